import { PolicySizeLimit } from '@cdk-guardrails/facts';
import { hasEquivalentStatement, PolicyDocumentJson, statementsOf } from '../../lib/private/policy-analysis';
import { StatementJson } from '../../lib/private/statements';
import { CliError } from './errors';

export interface MergeResult {
  /** The policy to write: every existing statement, unchanged and in order, then the added ones. */
  readonly merged: PolicyDocumentJson;
  /** Sids of the statements that were added. */
  readonly added: string[];
  /** Sids of the expected statements that an existing statement already covers. */
  readonly alreadyPresent: string[];
}

/**
 * Merge the enforcing statements into an existing policy without dropping or changing any
 * existing statement. A statement that already enforces the same thing is not added twice.
 * Throws if an existing statement uses one of our Sids for something else (it would be
 * ambiguous which one to keep), or if the result exceeds the 20 KB policy limit.
 */
export function mergeEnforcingStatements(bucket: string, existing: PolicyDocumentJson | undefined, expected: StatementJson[]): MergeResult {
  const current = statementsOf(existing);
  const added: StatementJson[] = [];
  const alreadyPresent: string[] = [];
  for (const statement of expected) {
    if (hasEquivalentStatement(existing, statement)) {
      alreadyPresent.push(statement.Sid);
      continue;
    }
    if (current.some((s) => s?.Sid === statement.Sid)) {
      throw new CliError(
        'PolicySidConflict',
        `Bucket '${bucket}': its policy already has a statement with Sid '${statement.Sid}' that differs from the one this tool writes. ` +
          'Nothing was changed. Rename or remove that statement, then run again.',
      );
    }
    added.push(statement);
  }
  const merged: PolicyDocumentJson = {
    ...(existing ?? {}),
    Version: existing?.Version ?? '2012-10-17',
    Statement: [...current, ...added],
  };
  const limit = PolicySizeLimit.S3_BUCKET_POLICY;
  const size = limit.sizeOf(merged);
  if (size > limit.maximum) {
    throw new CliError(
      'PolicyTooLarge',
      `Bucket '${bucket}': the merged policy would be ${size} bytes, over the S3 limit of ${limit.maximum} bytes (20 KB). ` +
        'Nothing was changed. Shorten the existing policy (for example combine statements or use aws:PrincipalOrgID), then run again.',
    );
  }
  return { merged, added: added.map((s) => s.Sid), alreadyPresent };
}
