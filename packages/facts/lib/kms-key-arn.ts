/**
 * The parts of a KMS key ARN or alias ARN.
 */
export interface KmsArnComponents {
  /** The partition: `aws`, `aws-cn` or `aws-us-gov`. */
  readonly partition: string;
  /** The region, for example `eu-west-1`. */
  readonly region: string;
  /** The 12-digit account id. */
  readonly account: string;
  /**
   * The key id, a UUID or `mrk-` followed by 32 hex digits.
   * @default - none: the ARN is an alias ARN
   */
  readonly keyId?: string;
  /**
   * The alias name, starting with `alias/`.
   * @default - none: the ARN is a key ARN
   */
  readonly aliasName?: string;
}

const PARTITION = '(aws|aws-cn|aws-us-gov)';
const REGION = '([a-z]{2}(?:-[a-z]+)+-\\d+)';
const ACCOUNT = '(\\d{12})';
const KEY_ID = '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})';
// 'alias/' and at most 250 more characters of [a-zA-Z0-9/_-] (alias names have at most 256).
const ALIAS_NAME = '(alias/[a-zA-Z0-9/_-]{1,250})';

/**
 * KMS key ARNs and alias ARNs: the one pattern every package, the config and the CLIs check with.
 *
 * A key ARN is `arn:<partition>:kms:<region>:<account-id>:key/<key-id>`, the key id a UUID in
 * lower-case hex or a multi-Region key id (`mrk-` and 32 hex digits). Partitions: `aws`,
 * `aws-cn`, `aws-us-gov` (the isolated partitions are not supported by this project).
 *
 * Where a key must be pinned (S3 key pinning, key policies, imported hierarchy keys, the config's
 * key choice) only a key ARN is accepted: an alias can be re-pointed to another key by whoever
 * administers it. An alias ARN is accepted only where AWS resolves it in the account it names
 * (S3 replication's destination key).
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id
 */
export class KmsKeyArn {
  /** The partitions a KMS ARN may name. */
  public static readonly PARTITIONS: string[] = ['aws', 'aws-cn', 'aws-us-gov'];
  /** A key ARN as a regular expression source (groups: partition, region, account, key id). */
  public static readonly KEY_ARN_PATTERN = `^arn:${PARTITION}:kms:${REGION}:${ACCOUNT}:key/${KEY_ID}$`;
  /** An alias ARN as a regular expression source (groups: partition, region, account, alias name). */
  public static readonly ALIAS_ARN_PATTERN = `^arn:${PARTITION}:kms:${REGION}:${ACCOUNT}:${ALIAS_NAME}$`;
  /** The key ARN format in words, for error messages. */
  public static readonly KEY_ARN_FORMAT = 'arn:<partition>:kms:<region>:<account-id>:key/<key-id> (key id a UUID or mrk-<32 hex digits>)';
  /** The alias ARN format in words, for error messages. */
  public static readonly ALIAS_ARN_FORMAT = 'arn:<partition>:kms:<region>:<account-id>:alias/<name>';

  /** Whether `value` is a key ARN (not an alias ARN, not a bare key id). */
  public static isKeyArn(value: string): boolean {
    return typeof value === 'string' && KEY_ARN.test(value);
  }

  /** Whether `value` is an alias ARN (with its account and region). */
  public static isAliasArn(value: string): boolean {
    return typeof value === 'string' && ALIAS_ARN.test(value);
  }

  /**
   * The parts of a key ARN or an alias ARN. Throws, naming the value and the formats allowed, for
   * anything else.
   */
  public static parse(arn: string): KmsArnComponents {
    const key = typeof arn === 'string' ? KEY_ARN.exec(arn) : null;
    if (key) return { partition: key[1], region: key[2], account: key[3], keyId: key[4] };
    const alias = typeof arn === 'string' ? ALIAS_ARN.exec(arn) : null;
    if (alias) return { partition: alias[1], region: alias[2], account: alias[3], aliasName: alias[4] };
    throw new Error(
      `KmsKeyArn.parse: arn: received ${JSON.stringify(arn)}; expected a KMS key ARN, ${KmsKeyArn.KEY_ARN_FORMAT}, or an alias ARN, ${KmsKeyArn.ALIAS_ARN_FORMAT}`,
    );
  }

  /** The account id of a key ARN or alias ARN (throws like `parse`). */
  public static accountOf(arn: string): string {
    return KmsKeyArn.parse(arn).account;
  }

  /** The region of a key ARN or alias ARN (throws like `parse`). */
  public static regionOf(arn: string): string {
    return KmsKeyArn.parse(arn).region;
  }

  private constructor() {}
}

const KEY_ARN = new RegExp(KmsKeyArn.KEY_ARN_PATTERN);
const ALIAS_ARN = new RegExp(KmsKeyArn.ALIAS_ARN_PATTERN);
