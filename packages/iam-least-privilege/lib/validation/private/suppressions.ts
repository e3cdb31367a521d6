/** Suppressions written by PolicyValidator.suppress into template metadata, and their own findings. No aws-cdk-lib import. */
import { describeStatement } from './document-rules';
import { PolicyRule } from '../policy-rule';
import { SUPPRESSIONS_METADATA_KEY, TemplateFinding, TemplateResource } from './template-types';

export interface Suppression {
  readonly rule: string;
  readonly reason: string;
  readonly owner?: string;
  readonly expires?: string;
  readonly ticket?: string;
}

export function suppressionsOf(resource: TemplateResource): Suppression[] {
  const entries = resource.Metadata?.[SUPPRESSIONS_METADATA_KEY]?.suppressions;
  if (!Array.isArray(entries)) return [];
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return entries
    .filter((e: any) => e && typeof e.rule === 'string')
    .map((e: any) => ({ rule: e.rule, reason: text(e.reason) ?? '', owner: text(e.owner), expires: text(e.expires), ticket: text(e.ticket) }));
}

/** Whether `date` is a real calendar date written `YYYY-MM-DD`. */
export function isCalendarDate(date: unknown): date is string {
  if (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(date);
}

/** The day suppressions expire against: `today`, else GUARDRAILS_TODAY (YYYY-MM-DD, for tests and dry runs), else the UTC date now. */
export function todayOf(today?: string): string {
  return today ?? process.env.GUARDRAILS_TODAY ?? new Date().toISOString().substring(0, 10);
}

/** Why a suppression with a reason does not hold (no owner, no real expiry date, expired), or undefined when it holds. */
export function suppressionProblem(s: Suppression, today: string): string | undefined {
  if (s.owner === undefined || s.owner.trim() === '') return `the suppression of ${s.rule} has no owner`;
  if (!isCalendarDate(s.expires))
    return `the suppression of ${s.rule} (owner ${s.owner}) has no expiry date YYYY-MM-DD (received ${JSON.stringify(s.expires)})`;
  if (s.expires < today) return `the suppression of ${s.rule} (owner ${s.owner}) expired ${s.expires} (today ${today})`;
  return undefined;
}

export function suppressionFindings(resources: Record<string, TemplateResource>, today: string): TemplateFinding[] {
  const out: TemplateFinding[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    for (const s of suppressionsOf(resource)) {
      const problem = s.reason.trim().length > 0 ? suppressionProblem(s, today) : undefined;
      if (s.reason.trim().length > 0 && problem === undefined) continue;
      out.push({
        rule: problem === undefined ? PolicyRule.SUPPRESSION_WITHOUT_REASON : PolicyRule.SUPPRESSION_EXPIRED,
        location: `Metadata.${SUPPRESSIONS_METADATA_KEY}`,
        message: problem ?? `the suppression of ${s.rule} has no reason: ${describeStatement(s)}`,
        logicalId,
        resourceType: resource.Type ?? '',
        constructPath: resource.Metadata?.['aws:cdk:path'],
        suppressed: false,
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Rendering intrinsics to realistic strings
