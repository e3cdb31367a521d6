/**
 * What resource control policies can govern, and the AWS service principals that act on our
 * resources for us. Sources:
 * - services that support RCPs: AWS Organizations User Guide, "Resource control policies (RCPs)",
 *   list of AWS services that support RCPs,
 *   https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
 * - identity-perimeter actions (STS: the actions the reference lists, not `sts:*`):
 *   aws-samples/data-perimeter-policy-examples, resource_control_policies/identity_perimeter_rcp.json
 * - service principals: the documentation page cited with each entry.
 */

/**
 * Service prefixes RCPs apply to. Any other prefix is refused, so an RCP that AWS Organizations would
 * reject fails at synth instead. What each entry rests on (checked 2026-12-04; the Organizations page
 * above is the authority, re-read it before widening this list):
 * - s3, sts, kms, sqs, secretsmanager: the launch set, listed by the AWS Control Tower Controls
 *   Reference, "Controls implemented with resource control policies (RCPs)".
 * - ecr, aoss: added June 2025 (AWS What's New, reported by secondary sources).
 * - cognito-idp, logs: added January 2026 (AWS What's New, reported by secondary sources).
 * DynamoDB is left out: no source read here says RCPs apply to it. An RCP naming an unsupported
 * service would be refused at attachment, so the list errs on the short side.
 */
export const RCP_SUPPORTED_SERVICES: readonly string[] = ['s3', 'sts', 'kms', 'sqs', 'secretsmanager', 'logs', 'ecr', 'aoss', 'cognito-idp'];

/** The services of the identity perimeter by default (issue 18): S3, KMS, STS, SQS, Secrets Manager, Logs. */
export const RCP_DEFAULT_PERIMETER_SERVICES: readonly string[] = ['s3', 'kms', 'sts', 'sqs', 'secretsmanager', 'logs'];

/**
 * The STS actions a resource (a role) governs, as the reference identity perimeter RCP lists them:
 * `sts:*` would also name the web-identity and SAML federation actions, which principals outside
 * any account (IdP users) make by design.
 */
export const STS_PERIMETER_ACTIONS: readonly string[] = [
  'sts:AssumeRole',
  'sts:DecodeAuthorizationMessage',
  'sts:GetAccessKeyInfo',
  'sts:GetFederationToken',
  'sts:GetServiceBearerToken',
  'sts:GetSessionToken',
  'sts:SetContext',
];

/** The actions of a service in the perimeter statements. */
export function perimeterActions(service: string): string[] {
  return service === 'sts' ? [...STS_PERIMETER_ACTIONS] : [`${service}:*`];
}

/** One AWS service principal that acts on our resources for us. */
export interface ServicePrincipalEntry {
  /** The principal, as in a resource policy. */
  readonly principal: string;
  /** The RCP services whose resources it acts on. */
  readonly services: readonly string[];
  /** What it does for us. */
  readonly purpose: string;
  /** Whether it sends aws:SourceAccount / aws:SourceArn (so the confused-deputy statement applies to it). */
  readonly sendsSourceAccount: boolean;
  /** Where AWS documents it. */
  readonly source: string;
}

/**
 * The service principals the guardrails' own resource policies grant (the key, bucket, log group
 * and queue policies of the apps). None needs an exception: the identity perimeter exempts every
 * AWS service principal (`aws:PrincipalIsAWSService`), and each sends the account it acts for,
 * which is in the organization, so the confused-deputy statement lets it through.
 */
export const SERVICE_PRINCIPAL_CATALOGUE: readonly ServicePrincipalEntry[] = [
  {
    principal: 'cloudtrail.amazonaws.com',
    services: ['s3', 'kms', 'logs'],
    purpose: 'delivers trail log files to the trail bucket, encrypts them, writes to the trail log group',
    sendsSourceAccount: true,
    source: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html',
  },
  {
    principal: 'delivery.logs.amazonaws.com',
    services: ['s3', 'logs'],
    purpose: 'delivers VPC flow logs and vended logs',
    sendsSourceAccount: true,
    source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-and-resource-policy.html',
  },
  {
    principal: 'logging.s3.amazonaws.com',
    services: ['s3'],
    purpose: 'writes S3 server access logs',
    sendsSourceAccount: true,
    source: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html',
  },
  {
    principal: 'config.amazonaws.com',
    services: ['s3'],
    purpose: 'delivers AWS Config snapshots and history',
    sendsSourceAccount: true,
    source: 'https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html',
  },
  {
    principal: 'logs.amazonaws.com',
    services: ['kms'],
    purpose: 'encrypts log groups with the logs key (principal logs.<region>.amazonaws.com)',
    sendsSourceAccount: false,
    source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html',
  },
  {
    principal: 'events.amazonaws.com',
    services: ['logs', 'sqs'],
    purpose: 'EventBridge rules deliver security events to log groups and dead-letter queues',
    sendsSourceAccount: true,
    source: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html',
  },
];
