/**
 * The IAM Access Analyzer custom policy checks of validate-policies (each billed per call):
 * - CheckNoNewAccess: the policy against its deployed version; a change may only narrow access
 *   unless a suppression of NEW_ACCESS (PolicyValidator.suppress) says why;
 * - CheckAccessNotGranted: identity policies against the list of actions no policy of ours may
 *   grant (config policyValidation.accessNotGranted); a suppression of FORBIDDEN_ACCESS with a
 *   reason acknowledges one;
 * - CheckNoPublicAccess: every resource policy of a type the API supports; never acknowledged.
 */
import {
  AccessAnalyzerClient,
  CheckAccessNotGrantedCommand,
  CheckNoNewAccessCommand,
  CheckNoPublicAccessCommand,
  type AccessCheckPolicyType,
  type AccessCheckResourceType,
  type ReasonSummary,
} from '@aws-sdk/client-accessanalyzer';
import { PolicyRule } from '../../lib/validation/policy-rule';
import type { Suppression } from '../../lib/validation/private/template-policies';
import { suppressionProblem, todayOf } from '../../lib/validation/private/suppressions';

/**
 * CheckAccessNotGranted takes one Access object per call (`access`: at most 1 item) with at
 * most 100 actions (API reference: CheckAccessNotGranted, Access): longer lists go in batches.
 */
export const ACCESS_NOT_GRANTED_ACTIONS_PER_CALL = 100;

/** What the checks report for one policy: failures, acknowledged findings (with their reason) and notes. */
export interface CheckOutcome {
  readonly failures: string[];
  readonly acknowledged: string[];
  readonly notes: string[];
}

export interface CustomCheckInput {
  /** How the output names the policy: template, construct path, logical id and location. */
  readonly name: string;
  readonly document: string;
  readonly policyType: 'IDENTITY_POLICY' | 'RESOURCE_POLICY' | 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY';
  readonly publicAccessResourceType?: string;
  readonly suppressions: Suppression[];
}

/** CheckNoNewAccess of the new document against the deployed one. */
export async function checkNoNewAccess(client: AccessAnalyzerClient, input: CustomCheckInput, deployed: string, out: CheckOutcome): Promise<void> {
  const result = await client.send(
    new CheckNoNewAccessCommand({
      newPolicyDocument: input.document,
      existingPolicyDocument: deployed,
      policyType: input.policyType as AccessCheckPolicyType,
    }),
  );
  if (result.result === 'PASS') return;
  report(out, input, PolicyRule.NEW_ACCESS, `CheckNoNewAccess ${result.result}: ${result.message ?? 'the policy grants new access'}${reasons(result.reasons)}`);
}

/** CheckAccessNotGranted of an identity policy, the actions in batches of 100. */
export async function checkAccessNotGranted(
  client: AccessAnalyzerClient,
  input: CustomCheckInput,
  actions: readonly string[],
  out: CheckOutcome,
): Promise<void> {
  for (let i = 0; i < actions.length; i += ACCESS_NOT_GRANTED_ACTIONS_PER_CALL) {
    const batch = actions.slice(i, i + ACCESS_NOT_GRANTED_ACTIONS_PER_CALL);
    const result = await client.send(
      new CheckAccessNotGrantedCommand({
        policyDocument: input.document,
        access: [{ actions: [...batch] }],
        policyType: input.policyType as AccessCheckPolicyType,
      }),
    );
    if (result.result === 'PASS') continue;
    report(
      out,
      input,
      PolicyRule.FORBIDDEN_ACCESS,
      `CheckAccessNotGranted ${result.result}: ${result.message ?? 'the policy grants a forbidden action'} (forbidden: ${batch.join(', ')})${reasons(result.reasons)}`,
    );
  }
}

/** CheckNoPublicAccess of a resource policy. */
export async function checkNoPublicAccess(client: AccessAnalyzerClient, input: CustomCheckInput, out: CheckOutcome): Promise<void> {
  if (!input.publicAccessResourceType) return;
  const result = await client.send(
    new CheckNoPublicAccessCommand({ policyDocument: input.document, resourceType: input.publicAccessResourceType as AccessCheckResourceType }),
  );
  if (result.result === 'PASS') return;
  out.failures.push(`  FAIL access-analyzer ${input.name} CheckNoPublicAccess ${result.result}: ${result.message ?? ''}${reasons(result.reasons)}`);
}

function report(out: CheckOutcome, input: CustomCheckInput, rule: PolicyRule, text: string): void {
  // Holds only with a reason, an owner and an expiry not yet past (an expired one is reported offline as SUPPRESSION_EXPIRED).
  const today = todayOf();
  const ack = input.suppressions.find((s) => s.rule === (rule as string) && s.reason.trim().length > 0 && suppressionProblem(s, today) === undefined);
  if (ack) {
    out.acknowledged.push(`  acknowledged access-analyzer ${input.name} [${rule}] ${text}; reason: ${ack.reason.trim()}`);
  } else {
    out.failures.push(
      `  FAIL access-analyzer ${input.name} [${rule}] ${text}; fix it, or acknowledge it with PolicyValidator.suppress(scope, PolicyRule.${rule}, reason, { owner, expires })`,
    );
  }
}

function reasons(list: ReasonSummary[] | undefined): string {
  const text = (list ?? [])
    .map((r) =>
      [r.statementId ? `statement ${r.statementId}` : r.statementIndex !== undefined ? `Statement[${r.statementIndex}]` : '', r.description ?? '']
        .filter(Boolean)
        .join(': '),
    )
    .filter(Boolean)
    .join('; ');
  return text ? ` (${text})` : '';
}
