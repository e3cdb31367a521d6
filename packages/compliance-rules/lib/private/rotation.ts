/** The rotation interval in hours, or undefined when the schedule cannot be measured. */
export function intervalHours(rules: any): number | undefined {
  if (rules === undefined) return undefined;
  if (typeof rules.AutomaticallyAfterDays === 'number') return rules.AutomaticallyAfterDays * 24;
  const expression = typeof rules.ScheduleExpression === 'string' ? rules.ScheduleExpression : undefined;
  const rate = expression ? /^rate\(\s*(\d+)\s+(day|days|hour|hours)\s*\)$/.exec(expression) : null;
  if (!rate) return undefined;
  return Number(rate[1]) * (rate[2].startsWith('day') ? 24 : 1);
}
