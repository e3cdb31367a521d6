/** A problem the config loader reports: the field, the value received and what is allowed. */
export interface ConfigProblem {
  /** dotted field path, e.g. workloadAccounts[0].accountId */
  readonly path: string;
  /** the value found, as JSON */
  readonly received: string;
  /** what is allowed, or what to do */
  readonly expected: string;
}

/** A problem with the value shown as JSON. */
export function problem(path: string, received: unknown, expected: string): ConfigProblem {
  return { path, received: JSON.stringify(received), expected };
}
