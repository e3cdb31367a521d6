import { ExemptionReason } from '@cdk-guardrails/facts';
import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { propError } from './private/errors';
import { WAIVER_METADATA_TYPE, Waiver, Waivers } from './waiver';

/**
 * Acknowledges findings of rule packs on constructs named by path, with a waiver (reason, owner,
 * expiry date, optional ticket). There is no app-wide acknowledgement: each one names a path.
 *
 * Ids are qualified with their pack (`AwsSolutions-S1` becomes `AwsSolutions::AwsSolutions-S1`),
 * so the CDK validation framework, not the pack, suppresses the finding: an acknowledged
 * finding then stays in the validation report (`suppressedViolations`) with its reason,
 * which `ComplianceReport` lists.
 */
export class Acknowledge {
  /** Shortest reason accepted (`ExemptionReason.MIN_LENGTH` of @cdk-guardrails/facts): a reason must say why, not just "ok". */
  public static readonly MIN_REASON_LENGTH: number = ExemptionReason.MIN_LENGTH;

  /**
   * Acknowledges `ruleIds` on every construct under `scope` at `path`, a path relative to
   * `scope` in which `*` matches any one segment. Returns the constructs matched (none is
   * not an error: a construct may exist only in some environments). The waiver is recorded on
   * each construct (metadata `guardrails:waiver`), where `ComplianceReport` reads it.
   */
  public static atPath(scope: IConstruct, path: string, ruleIds: string[], waiver: Waiver): IConstruct[] {
    const reason = waiver?.reason;
    if (!ExemptionReason.isSufficient(reason)) {
      throw propError(
        'Acknowledge.atPath',
        'reason',
        `${JSON.stringify(reason)} for ${ruleIds.join(', ')} at ${path}`,
        `a reason that says why, at least ${Acknowledge.MIN_REASON_LENGTH} characters`,
      );
    }
    Waivers.validate(waiver, `Acknowledge.atPath (${ruleIds.join(', ')} at ${path})`);
    let current: IConstruct[] = [scope];
    for (const segment of path.split('/')) {
      current = current.flatMap((c) => (segment === '*' ? c.node.children : [c.node.tryFindChild(segment)].filter((x): x is IConstruct => x !== undefined)));
    }
    for (const construct of current) {
      for (const id of ruleIds) {
        const qualified = Acknowledge.qualifiedId(id);
        Validations.of(construct).acknowledge({ id: qualified, reason });
        construct.node.addMetadata(WAIVER_METADATA_TYPE, {
          id: qualified,
          reason,
          owner: waiver.owner,
          expires: waiver.expires,
          ...(waiver.ticket !== undefined ? { ticket: waiver.ticket } : {}),
        });
      }
    }
    return current;
  }

  /** `AwsSolutions-S1` as `AwsSolutions::AwsSolutions-S1` (the pack name is the part before the first `-`). */
  public static qualifiedId(ruleId: string): string {
    if (/^[^[]*::/.test(ruleId)) return ruleId;
    const dash = ruleId.indexOf('-');
    if (dash <= 0)
      throw propError('Acknowledge.qualifiedId', 'ruleId', `${JSON.stringify(ruleId)}, which has no pack prefix`, '<Pack>-<Rule>, e.g. AwsSolutions-S1');
    return `${ruleId.substring(0, dash)}::${ruleId}`;
  }

  private constructor() {}
}
