import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { KeySource } from './key-source';

/** Properties of a KeyHierarchy. */
export interface KeyHierarchyProps {
  /**
   * Where the data key comes from.
   * @default KeySource.create()
   */
  readonly dataKey?: KeySource;

  /**
   * Where the secrets key comes from.
   * @default KeySource.create()
   */
  readonly secretsKey?: KeySource;

  /**
   * Where the logs key comes from.
   * @default KeySource.create()
   */
  readonly logsKey?: KeySource;

  /**
   * Automatic rotation period of the created keys (AWS KMS allows 90 to 2,560 days). A literal whole
   * number of days: a token (a parameter, a reference) fails at synth.
   * @default Duration.days(365)
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
   */
  readonly rotationPeriod?: Duration;

  /**
   * Prefix of the aliases of the created keys: `alias/<aliasPrefix>/data`, `.../secrets`, `.../logs`.
   * Letters, digits, `_`, `-`, and `/` between segments; must not start with `aws`.
   * @default 'guardrails'
   */
  readonly aliasPrefix?: string;

  /**
   * What happens to the created keys when they are removed from the stack or the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Principals allowed to manage the created keys (no cryptographic use).
   *
   * They must include whoever deploys the stack (the CloudFormation execution role), or the key
   * cannot be created (KMS policy lockout safety check) nor updated later. Prefer
   * `administratorArns`, which also works for roles created after the key. Not together with
   * `administratorArns`. IAM principals of the stack's account only, named exactly: a wildcard
   * (`AnyPrincipal`, a `role/*` ARN), another account, an STS session, a service, federated or organization principal
   * fails at synth.
   * @default - the account root, i.e. key administration is delegated to IAM policies of this account
   */
  readonly administrators?: iam.IPrincipal[];

  /**
   * Exact ARNs of the IAM roles or users of this account that may manage the created keys (no
   * cryptographic use), for example the CloudFormation execution role and a key-admin role.
   *
   * Any other principal of the account, even one whose identity policy allows `kms:*`, can then
   * neither disable, delete, re-key-policy nor stop the rotation of the keys. The ARNs are matched with
   * `aws:PrincipalArn` (an assumed-role session matches its role ARN), so the roles may be created after
   * the keys; the administrators need `kms:` permissions in their identity policies. Include the
   * CloudFormation execution role: KMS refuses a key policy that would lock its creator out.
   * No wildcards; not together with `administrators`.
   * @default - see `administrators`
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
   */
  readonly administratorArns?: string[];

  /**
   * Extra AWS services (endpoint prefixes such as `dynamodb`, `rds`, `ec2`) through which principals
   * of the account may use the data key, in addition to `s3`. Also allows those services to create
   * grants for the AWS resources they manage (`kms:GrantIsForAWSResource`).
   * @default - S3 only
   */
  readonly additionalDataKeyServices?: string[];

  /**
   * Extra AWS services through which principals of the account may use the secrets key, in addition
   * to `secretsmanager`.
   * @default - Secrets Manager only
   */
  readonly additionalSecretsKeyServices?: string[];

  /**
   * Extra AWS services through which principals of the account may use the logs key, in addition to
   * `kinesis` and `sqs` (streams and dead-letter queues that carry log records).
   * @default - Kinesis Data Streams and SQS only
   */
  readonly additionalLogsKeyServices?: string[];
}
