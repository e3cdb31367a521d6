import { createHash } from 'node:crypto';
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
 * Where synth writes the template of the CDK execution roles' boundary, relative to
 * `cdk.out/<env>/` (apps/workload-account writes it, the deploy scripts deploy it before
 * `cdk bootstrap`).
 */
export const DEPLOYMENT_BOUNDARY_TEMPLATE = { directory: 'bootstrap', file: 'deployment-boundary.template.json' } as const;

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
  /** The trail of each account (its home region's multi-region trail; data-events trails elsewhere): the trail bucket accepts its deliveries only. */
  trail: `${GUARDRAIL_NAME_PREFIX}-trail`,
  s3ChangesRule: `${GUARDRAIL_NAME_PREFIX}-s3-policy-changes`,
  iamChangesRule: `${GUARDRAIL_NAME_PREFIX}-iam-changes`,
  forwarderFunction: `${GUARDRAIL_NAME_PREFIX}-log-forwarder`,
  forwarderLogGroup: `/${GUARDRAIL_NAME_PREFIX}/lambda/log-forwarder`,
  centralStream: `${GUARDRAIL_NAME_PREFIX}-central-logs`,
  /** The evidence destination's stream (audit and security classes only; red-team A14, stream flood). */
  evidenceStream: `${GUARDRAIL_NAME_PREFIX}-central-evidence`,
  deadLetterQueue: `${GUARDRAIL_NAME_PREFIX}-log-forwarder-dlq`,
  deadLetterAlarm: `${GUARDRAIL_NAME_PREFIX}-log-forwarder-dlq-not-empty`,
  deliveryDelayAlarm: `${GUARDRAIL_NAME_PREFIX}-log-delivery-delayed`,
  streamThrottleAlarm: `${GUARDRAIL_NAME_PREFIX}-central-stream-throttled`,
  /** Throttled forwarder invocations (the account's Lambda concurrency taken; red14 R14-4). */
  forwarderThrottleAlarm: `${GUARDRAIL_NAME_PREFIX}-log-forwarder-throttled`,
  evidenceDeliveryDelayAlarm: `${GUARDRAIL_NAME_PREFIX}-evidence-delivery-delayed`,
  evidenceStreamThrottleAlarm: `${GUARDRAIL_NAME_PREFIX}-evidence-stream-throttled`,
  alarmTopic: `${GUARDRAIL_NAME_PREFIX}-alarms`,
  flowLogGroup: `/${GUARDRAIL_NAME_PREFIX}/vpc-flow-logs`,
  /** The function that applies the account baseline (one per stack, inline code, serving the settings' custom resources): whoever invoked it could re-apply the settings its way. */
  accountSettingsFunction: `${GUARDRAIL_NAME_PREFIX}-account-settings`,
} as const;

/**
 * The name of the evidence destination next to `destinationName` (config securityAccount.destinationName):
 * the destination of the audit and security classes, which only the deployers (or, in organization
 * mode, the sender roles) may subscribe to. The security account creates it, the workload accounts
 * compute its ARN from it.
 */
export function evidenceDestinationName(destinationName: string): string {
  return `${destinationName}-evidence`;
}

/**
 * The role of the account settings function of one region (IAM names are global to the account, the
 * function is regional): a fixed name, so that the SCP `protectAccountBaseline` can exempt it by exact
 * ARN and `protectGuardrailPrincipals` can keep everyone else from creating, passing or assuming it.
 */
export function accountSettingsRoleName(region: string): string {
  return `${GUARDRAIL_NAME_PREFIX}-account-settings-${region}`;
}

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

/** Who writes the log groups only named writers may write (see {@link WRITER_ONLY_LOG_GROUP_PREFIXES}). */
export type LogWriterKind = 'trail' | 'forwarder' | 'sender';

/**
 * The roles that write the audit, security-event and central log groups: CloudTrail's delivery
 * role (`trail`), the central forwarder's (`forwarder`) and, in organization mode, the subscription
 * sender role (`sender`, which the CloudWatch Logs documentation gives PutLogEvents on the shipped
 * groups). Fixed names at path '/', which bounded identities cannot create roles under: the SCP
 * protect-tagged-guardrail-resources exempts them by {@link LOG_WRITER_ROLE_PATTERN}.
 */
export function logWriterRoleName(kind: LogWriterKind, region: string): string {
  return `${GUARDRAIL_NAME_PREFIX}-log-writer-${kind}-${region}`;
}

/**
 * The role of a token rotation function (`rotationFunctionName`) in `region`, the one writer of its
 * log group under `/guardrails/lambda/`: `guardrails-log-writer-rot-<12 hex>` (a hash of the function
 * name and the region: IAM role names are global to the account and limited to 64 characters).
 */
export function rotationLogWriterRoleName(functionName: string, region: string): string {
  return `${GUARDRAIL_NAME_PREFIX}-log-writer-rot-${createHash('sha256').update(`${functionName}\u0000${region}`).digest('hex').slice(0, 12)}`;
}

/**
 * The protected names of a SecurityEventCapture in `region`, the same in every app (workload stacks,
 * StackSet baseline, security account): its EventBridge rules, its trail (the trail bucket accepts
 * deliveries of exactly this trail) and the role CloudTrail writes the audit log group with (the one
 * writer the SCP lets write it).
 */
export function securityEventCaptureNames(region: string): {
  s3ChangesRuleName: string;
  iamChangesRuleName: string;
  trailName: string;
  trailLogsRoleName: string;
} {
  return {
    s3ChangesRuleName: GUARDRAIL_NAMES.s3ChangesRule,
    iamChangesRuleName: GUARDRAIL_NAMES.iamChangesRule,
    trailName: GUARDRAIL_NAMES.trail,
    trailLogsRoleName: logWriterRoleName('trail', region),
  };
}

/** The name pattern of every {@link logWriterRoleName}. */
export const LOG_WRITER_ROLE_PATTERN = `${GUARDRAIL_NAME_PREFIX}-log-writer-*`;

/**
 * Log groups whose records are evidence: CloudTrail's (`/guardrails/audit/`), the EventBridge
 * security events (`/guardrails/security/`, written by EventBridge through the log group's resource
 * policy) and the central copies in the security account (`/guardrails/central/`). Only the log
 * writer roles (and the stack deployers) create streams in or put events into them: a record
 * anybody else wrote would be a forgery shipped and kept as audit or security class. Not here: the
 * hosted database rotations' `/aws/lambda/guardrails-rotate-db-*` (Oracle, SQL Server, Redshift,
 * MongoDB: AWS creates their role, under a name nobody chooses); PostgreSQL, MySQL and MariaDB
 * rotations log under `/guardrails/lambda/`.
 */
export const WRITER_ONLY_LOG_GROUP_PREFIXES: readonly string[] = [
  `/${GUARDRAIL_NAME_PREFIX}/audit/`,
  `/${GUARDRAIL_NAME_PREFIX}/security/`,
  `/${GUARDRAIL_NAME_PREFIX}/central/`,
  // The token rotation functions' logs (shipped as security class) and the forwarder's own.
  `/${GUARDRAIL_NAME_PREFIX}/lambda/`,
];

/** The log group of a token rotation function: under the protected `/guardrails/` prefix. */
export function rotationLogGroupName(functionName: string): string {
  return `/${GUARDRAIL_NAME_PREFIX}/lambda/${functionName}`;
}
