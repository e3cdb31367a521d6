/**
 * Names of the guardrail resources the apps create. The permissions boundary and the SCP
 * `protect-guardrail-resources` protect them by these names (log groups `/guardrails/*` and
 * `/aws/lambda/guardrails-*`; functions, rules, streams and queues `guardrails-*`), so every
 * guardrail function, rule, stream, queue and log group is named here, never left to
 * CloudFormation. One environment per account: the names carry no environment.
 */

/** The prefix the boundary and the SCPs protect (`protectedResourceNamePrefix`, `namePrefix`). */
export const GUARDRAIL_NAME_PREFIX = 'guardrails';

/**
 * The boundary policies of every account: the permissions boundary of the workload identities
 * (iam-least-privilege's PermissionsBoundary default name) and the boundary of the CDK execution
 * roles (`cdk bootstrap --custom-permissions-boundary`). Whoever can edit one can lift it.
 */
export const BOUNDARY_POLICY_NAMES = {
  permissions: 'GuardrailsPermissionsBoundary',
  deployment: 'GuardrailsDeploymentBoundary',
} as const;

/**
 * The humans' group and the policies that hold them to MFA (and to the allowed source ranges) in
 * each workload account: named, so that the SCP protect-guardrail-principals can protect them (a
 * bounded admin who detached or rewrote them would lift MFA for every operator).
 */
export const HUMAN_ACCESS_NAMES = {
  operatorsGroup: 'GuardrailsOperators',
  consoleMfaPolicy: 'GuardrailsConsoleMfa',
  sensitiveActionsMfaPolicy: 'GuardrailsSensitiveActionsMfa',
  sourceIpRestrictionPolicy: 'GuardrailsSourceIpRestriction',
} as const;

/** The CloudFormation stack of the deployment boundary (scripts/ops `--print-bootstrap`): under the prefix, so protected. */
export const DEPLOYMENT_BOUNDARY_STACK_NAME = `${GUARDRAIL_NAME_PREFIX}-deployment-boundary`;

/**
 * Tag key that marks guardrail infrastructure (iam-least-privilege's PermissionsBoundary.PROTECTED_TAG_KEY):
 * roles by the boundary and the SCPs, the private network by the SCP protect-tagged-guardrail-resources.
 */
export const GUARDRAIL_PROTECTED_TAG_KEY = 'guardrails:protected';

/** Fixed names, one per account and region. */
export const GUARDRAIL_NAMES = {
  s3ChangesRule: `${GUARDRAIL_NAME_PREFIX}-s3-policy-changes`,
  iamChangesRule: `${GUARDRAIL_NAME_PREFIX}-iam-changes`,
  forwarderFunction: `${GUARDRAIL_NAME_PREFIX}-log-forwarder`,
  forwarderLogGroup: `/${GUARDRAIL_NAME_PREFIX}/lambda/log-forwarder`,
  centralStream: `${GUARDRAIL_NAME_PREFIX}-central-logs`,
  deadLetterQueue: `${GUARDRAIL_NAME_PREFIX}-log-forwarder-dlq`,
  deadLetterAlarm: `${GUARDRAIL_NAME_PREFIX}-log-forwarder-dlq-not-empty`,
  deliveryDelayAlarm: `${GUARDRAIL_NAME_PREFIX}-log-delivery-delayed`,
  streamThrottleAlarm: `${GUARDRAIL_NAME_PREFIX}-central-stream-throttled`,
  alarmTopic: `${GUARDRAIL_NAME_PREFIX}-alarms`,
  flowLogGroup: `/${GUARDRAIL_NAME_PREFIX}/vpc-flow-logs`,
} as const;

/** What a rotation function rotates (short, so that a 40-character secret name fits Lambda's 64). */
export type RotationKind = 'key' | 'token' | 'db';

/** `guardrails-rotate-<kind>-<name>`: at most 21 + 40 characters for the config's resource names. */
export function rotationFunctionName(kind: RotationKind, name: string): string {
  return `${GUARDRAIL_NAME_PREFIX}-rotate-${kind}-${name}`;
}

/**
 * The role that replicates a workload account's trail bucket of `region` to the audit replica: a
 * fixed name, so that the replica bucket's policy can name the only roles that may replicate into
 * it (at path '/', which bounded identities cannot create roles under).
 */
export function auditReplicationRoleName(region: string): string {
  return `${GUARDRAIL_NAME_PREFIX}-audit-replication-${region}`;
}

/**
 * The role that reads a workload account's trail log files of `region` (config auditLogs.readers):
 * a fixed name, so that the logs key policy can name it, under the protected prefix.
 */
export function trailReaderRoleName(region: string): string {
  return `${GUARDRAIL_NAME_PREFIX}-trail-reader-${region}`;
}

/** The log group of a token rotation function: under the protected `/guardrails/` prefix. */
export function rotationLogGroupName(functionName: string): string {
  return `/${GUARDRAIL_NAME_PREFIX}/lambda/${functionName}`;
}
