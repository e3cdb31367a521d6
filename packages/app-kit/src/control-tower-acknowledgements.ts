/**
 * Acknowledgements of Control Tower controls that the mission itself decides against, shared by
 * both apps. Each one checks, per stack, that what its reason says is true of the resource (the
 * retention is the class's, the key is the other stack's logs key); where it is not, it
 * acknowledges nothing and the finding stays open.
 */
import { CfnResource, Reference, Stack, Tokenization } from 'aws-cdk-lib';
import { GuardrailsConfig } from '@cdk-guardrails/config';
import { Acknowledgement, resourceAt } from './compliance-gate';
import { controlTowerRuleId } from './control-tower';

/** A log group of a mission log class, at a path relative to each stack. */
export interface ClassLogGroup {
  readonly path: string;
  /** The class whose retention the group keeps. */
  readonly logClass: 'security' | 'app';
}

/**
 * CT.CLOUDWATCH.PR.2 (retention of at least one year) on log groups that keep a mission class for
 * less: security 90 days, app 30 days (config logging.retentionDays). Applies only where the
 * group's retention is exactly its class's and below 365 days.
 */
export function logClassRetentionAcknowledgements(config: GuardrailsConfig, groups: ClassLogGroup[]): Acknowledgement[] {
  return groups.map(({ path, logClass }) => {
    const days = config.logging.retentionDays[logClass];
    return {
      path,
      idsForStack: (stack: Stack) => {
        const group = resourceAt(stack, path);
        const retention = group === undefined ? undefined : stack.resolve((group as unknown as { retentionInDays?: unknown }).retentionInDays);
        return retention === days && days < 365 ? [controlTowerRuleId('CT.CLOUDWATCH.PR.2')] : [];
      },
      reason: `a ${logClass} class log group, kept ${days} days as config/${config.environment}.json logging.retentionDays.${logClass} says (the mission keeps security logs 90 days and app logs 30 days; only the audit class is kept 10 years)`,
    };
  });
}

/** A resource encrypted with the logs key of another stack of the same account and region. */
export interface CrossStackKeyResource {
  readonly path: string;
  /** The controls that read its key property. */
  readonly controlIds: string[];
  /** The key property of the L1 resource, e.g. `kmsKeyId`, `kmsMasterKeyId`, `streamEncryption.keyId`. */
  readonly keyProperty: string;
}

/**
 * Controls that pass a key property only when it is a non-empty string or a reference to a key in
 * the same template (CT.CLOUDWATCH.PR.3, CT.CLOUDTRAIL.PR.1, CT.KINESIS.PR.1, CT.SQS.PR.2) on
 * resources whose key is the logs key of the keys stack (`<stack>/Keys/LogsKey`), which CDK
 * writes as `Fn::GetStackOutput`. The synth-time rule cannot resolve it; the Control Tower hook
 * evaluates the resolved key ARN at deploy. Applies only where the property really references
 * that key in another stack.
 */
export function crossStackLogsKeyAcknowledgements(resources: CrossStackKeyResource[]): Acknowledgement[] {
  return resources.map(({ path, controlIds, keyProperty }) => ({
    path,
    idsForStack: (stack: Stack) => {
      const key = referencedResource(resourceAt(stack, path), keyProperty);
      const crossStackLogsKey = key !== undefined && Stack.of(key) !== stack && key.node.path === `${Stack.of(key).node.path}/Keys/LogsKey/Resource`;
      return crossStackLogsKey ? controlIds.map(controlTowerRuleId) : [];
    },
    reason: `encrypted with the logs key of this account and region, created in the keys stack and referenced as Fn::GetStackOutput (${keyProperty}); the synth-time Guard rule accepts only a literal or a key of the same template, the Control Tower hook sees the resolved key ARN`,
  }));
}

/** The CloudFormation resource a (possibly nested) property of `resource` references, if it is a reference. */
function referencedResource(resource: CfnResource | undefined, property: string): CfnResource | undefined {
  let value: unknown = resource;
  for (const name of property.split('.')) value = value === undefined || value === null ? undefined : (value as Record<string, unknown>)[name];
  if (typeof value !== 'string') return undefined;
  const token = Tokenization.reverse(value);
  if (token === undefined || !Reference.isReference(token)) return undefined;
  return CfnResource.isCfnResource(token.target) ? token.target : undefined;
}
