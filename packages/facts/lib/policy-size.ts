/**
 * Policy size limits, and the one estimator every package uses to check a policy against them.
 *
 * What it computes: the size AWS counts, which is the policy as compact JSON (no whitespace
 * outside strings), in characters (IAM, Organizations, Secrets Manager, CloudWatch Logs resource
 * policies) or in UTF-8 bytes (S3, KMS, SQS, CloudWatch Logs destinations). Whitespace inside
 * string values is counted, and characters are counted as UTF-16 code units: both can only make
 * the figure larger than what AWS counts, never smaller.
 *
 * A document synthesized by CloudFormation may still hold intrinsics (`Ref`, `Fn::GetAtt`,
 * `Fn::Join`, ...) whose values are only known at deploy time. For those, `upperBound` counts
 * every value at the longest it can take (see the constants of `PolicySize`), so a check never
 * passes a policy that AWS would refuse for its size.
 */

/** The unit a service counts a policy's size in. */
export enum PolicySizeUnit {
  /** Characters of the compact JSON (IAM, AWS Organizations, Secrets Manager, CloudWatch Logs resource policies). */
  CHARACTERS = 'characters',
  /** UTF-8 bytes of the compact JSON (Amazon S3, AWS KMS, Amazon SQS, CloudWatch Logs destinations). */
  BYTES = 'bytes',
}

/** Values that are known at synth time, so the estimate can use them instead of the longest possible value. */
export interface PolicySizeContext {
  /**
   * The partition the policy is deployed in (`aws`, `aws-cn`, `aws-us-gov`).
   * @default - the partition of `region` (`cn-*` regions: `aws-cn`, `us-gov-*`: `aws-us-gov`, other
   * commercial regions: `aws`); without a region, or for a region of another partition,
   * `AWS::Partition` counts `PolicySize.PARTITION_MAX_LENGTH` characters
   */
  readonly partition?: string;
  /**
   * The region the policy is deployed in.
   * @default - unknown: `AWS::Region` counts `PolicySize.REGION_MAX_LENGTH` characters
   */
  readonly region?: string;
}

/**
 * The size of a policy as AWS counts it, exactly for a resolved document, and as an upper bound
 * for a document that still holds CloudFormation intrinsics.
 */
export class PolicySize {
  /** The longest partition name: `aws-us-gov` (AWS partitions: aws, aws-cn, aws-us-gov). */
  public static readonly PARTITION_MAX_LENGTH = 10;
  /**
   * An upper bound of a region name's length. The longest names today have 14 characters
   * (`ap-southeast-5`); 16 leaves room for a region AWS opens later.
   * @see https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html
   */
  public static readonly REGION_MAX_LENGTH = 16;
  /** An AWS account id: always 12 digits. */
  public static readonly ACCOUNT_ID_LENGTH = 12;
  /** The longest `AWS::URLSuffix`: `amazonaws.com.cn`. */
  public static readonly URL_SUFFIX_MAX_LENGTH = 16;
  /**
   * The longest stack name CloudFormation allows (`AWS::StackName`).
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html
   */
  public static readonly STACK_NAME_MAX_LENGTH = 128;
  /**
   * What any other reference counts (`Ref` to a resource or parameter, `Fn::GetAtt`,
   * `Fn::ImportValue`, a cross-stack output, ...): 200 characters. Project decision: it covers the
   * ARN and name of every resource the guardrails constructs reference with generated names, in
   * the longest partition and region (an S3 bucket ARN has at most 83 characters, a KMS key ARN
   * 94, an IAM role ARN with the path `/` and a 64-character name 106, a Lambda function ARN 140,
   * a Kinesis stream ARN 180). It does not cover ARNs with long custom paths or names (an IAM role
   * path may have 512 characters): a caller that references those must resolve them to literals
   * before it measures, or pick a larger bound.
   */
  public static readonly REFERENCE_MAX_LENGTH = 200;

  /**
   * The size of a resolved document as AWS counts it: compact JSON, in characters or UTF-8 bytes.
   * A string is taken as JSON text (as CloudFormation passes some policies) and measured compact;
   * a string that is not JSON is measured as it is.
   *
   * @param document the policy document, as an object or as JSON text
   * @param unit the unit the service counts in
   */
  public static of(document: any, unit: PolicySizeUnit): number {
    const json = compactJson(document);
    return unit === PolicySizeUnit.BYTES ? Buffer.byteLength(json, 'utf8') : json.length;
  }

  /**
   * An upper bound of the size a document will have once CloudFormation resolves its intrinsics:
   * literal text counted exactly, pseudo parameters at the longest value they can take (or their
   * real length, when the context gives it), `Fn::Join`, `Fn::Sub`, `Fn::If` and `Fn::Select`
   * expanded (`Fn::If` at its longer branch), and every other reference at
   * `REFERENCE_MAX_LENGTH`. For a document without intrinsics it equals `of`.
   *
   * @param document the document as `Stack.resolve` or a synthesized template gives it
   * @param unit the unit the service counts in
   * @param context values known at synth time
   */
  public static upperBound(document: any, unit: PolicySizeUnit, context?: PolicySizeContext): number {
    return PolicySize.of(new Expander(context ?? {}).expand(document), unit);
  }

  /** Whether the document holds a CloudFormation intrinsic (`Ref` or `Fn::...`), that is whether `upperBound` and `of` can differ. */
  public static hasIntrinsics(document: any): boolean {
    if (Array.isArray(document)) return document.some((v) => PolicySize.hasIntrinsics(v));
    if (document === null || typeof document !== 'object') return false;
    if (isIntrinsic(document)) return true;
    return Object.values(document).some((v) => PolicySize.hasIntrinsics(v));
  }

  private constructor() {}
}

/**
 * A size limit of a policy document.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 */
export class PolicySizeLimit {
  /** IAM: a customer managed policy may have 6,144 characters (whitespace not counted). */
  public static readonly IAM_MANAGED_POLICY = new PolicySizeLimit(6144, PolicySizeUnit.CHARACTERS, 'managed policy limit (6,144 characters)');
  /** IAM: a role trust policy may have 2,048 characters by default (adjustable to 4,096 through Service Quotas). */
  public static readonly IAM_TRUST_POLICY = new PolicySizeLimit(2048, PolicySizeUnit.CHARACTERS, 'trust policy default limit (2,048 characters)');
  /** IAM: the inline policies of a role may have 10,240 characters in total. */
  public static readonly IAM_ROLE_INLINE_POLICIES = new PolicySizeLimit(
    10240,
    PolicySizeUnit.CHARACTERS,
    'inline policies per role limit (10,240 characters in total)',
  );
  /** IAM: the inline policies of a user may have 2,048 characters in total. */
  public static readonly IAM_USER_INLINE_POLICIES = new PolicySizeLimit(
    2048,
    PolicySizeUnit.CHARACTERS,
    'inline policies per user limit (2,048 characters in total)',
  );
  /** IAM: the inline policies of a group may have 5,120 characters in total. */
  public static readonly IAM_GROUP_INLINE_POLICIES = new PolicySizeLimit(
    5120,
    PolicySizeUnit.CHARACTERS,
    'inline policies per group limit (5,120 characters in total)',
  );
  /**
   * AWS Organizations: a service control policy may have 5,120 characters.
   * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
   */
  public static readonly SERVICE_CONTROL_POLICY = new PolicySizeLimit(5120, PolicySizeUnit.CHARACTERS, 'service control policy limit (5,120 characters)');
  /**
   * Amazon S3: a bucket policy may have 20 KB.
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html
   */
  public static readonly S3_BUCKET_POLICY = new PolicySizeLimit(20480, PolicySizeUnit.BYTES, 'S3 bucket policy limit (20 KB)');
  /**
   * AWS KMS: a key policy may have 32 KB.
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html
   */
  public static readonly KMS_KEY_POLICY = new PolicySizeLimit(32768, PolicySizeUnit.BYTES, 'KMS key policy limit (32 KB)');
  /**
   * CloudWatch Logs: a destination's access policy may have 5,120 bytes.
   * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutDestinationPolicy.html
   */
  public static readonly LOGS_DESTINATION_POLICY = new PolicySizeLimit(5120, PolicySizeUnit.BYTES, 'CloudWatch Logs destination policy limit (5,120 bytes)');
  /**
   * CloudWatch Logs: a resource policy may have 5,120 characters.
   * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutResourcePolicy.html
   */
  public static readonly LOGS_RESOURCE_POLICY = new PolicySizeLimit(
    5120,
    PolicySizeUnit.CHARACTERS,
    'CloudWatch Logs resource policy limit (5,120 characters)',
  );
  /**
   * Amazon SQS: a queue policy may have 8,192 bytes.
   * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-policies.html
   */
  public static readonly SQS_QUEUE_POLICY = new PolicySizeLimit(8192, PolicySizeUnit.BYTES, 'SQS queue policy limit (8,192 bytes)');
  /**
   * Secrets Manager: a resource policy may have 20,480 characters.
   * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_limits.html
   */
  public static readonly SECRETS_MANAGER_RESOURCE_POLICY = new PolicySizeLimit(
    20480,
    PolicySizeUnit.CHARACTERS,
    'Secrets Manager resource policy limit (20,480 characters)',
  );

  /** The largest size the service accepts, in `unit`. */
  public readonly maximum: number;
  /** What the service counts. */
  public readonly unit: PolicySizeUnit;
  /** The limit in words, for error messages, for example 'S3 bucket policy limit (20 KB)'. */
  public readonly label: string;

  private constructor(maximum: number, unit: PolicySizeUnit, label: string) {
    this.maximum = maximum;
    this.unit = unit;
    this.label = label;
  }

  /** The size of a resolved document in this limit's unit (`PolicySize.of`). */
  public sizeOf(document: any): number {
    return PolicySize.of(document, this.unit);
  }

  /** An upper bound of a document's size in this limit's unit (`PolicySize.upperBound`). */
  public upperBoundOf(document: any, context?: PolicySizeContext): number {
    return PolicySize.upperBound(document, this.unit, context);
  }
}

function compactJson(document: unknown): string {
  if (typeof document === 'string') {
    try {
      return JSON.stringify(JSON.parse(document));
    } catch {
      return document;
    }
  }
  return JSON.stringify(document) ?? '';
}

function isIntrinsic(value: object): boolean {
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}

/** Replaces intrinsics with stand-ins ('x' repeated) at least as long as their deployed value. */
class Expander {
  private readonly pseudo: Record<string, number>;

  constructor(context: PolicySizeContext) {
    const partition = (context.partition ?? partitionOf(context.region))?.length ?? PolicySize.PARTITION_MAX_LENGTH;
    const region = context.region?.length ?? PolicySize.REGION_MAX_LENGTH;
    this.pseudo = {
      'AWS::Partition': partition,
      'AWS::Region': region,
      'AWS::AccountId': PolicySize.ACCOUNT_ID_LENGTH,
      'AWS::URLSuffix': PolicySize.URL_SUFFIX_MAX_LENGTH,
      'AWS::StackName': PolicySize.STACK_NAME_MAX_LENGTH,
      // arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<uuid>
      'AWS::StackId': `arn::cloudformation:::stack//`.length + partition + region + PolicySize.ACCOUNT_ID_LENGTH + PolicySize.STACK_NAME_MAX_LENGTH + 36,
      // Removes the property it stands in: counting nothing for it still overcounts the key.
      'AWS::NoValue': 0,
    };
  }

  public expand(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.expand(v));
    if (value === null || typeof value !== 'object') return value;
    const obj = value as Record<string, unknown>;
    if (isIntrinsic(obj)) {
      const [fn] = Object.keys(obj);
      return this.intrinsic(fn, obj[fn]);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) out[k] = this.expand(v);
    return out;
  }

  private intrinsic(fn: string, arg: any): unknown {
    switch (fn) {
      case 'Ref':
        return stand(this.pseudo[String(arg)] ?? PolicySize.REFERENCE_MAX_LENGTH);
      case 'Fn::Join': {
        const parts = Array.isArray(arg) ? this.expand(arg[1]) : undefined;
        if (!Array.isArray(parts)) return stand(PolicySize.REFERENCE_MAX_LENGTH);
        return parts.map((p) => this.text(p)).join(String(arg[0]));
      }
      case 'Fn::Sub': {
        const [template, vars] = Array.isArray(arg) ? arg : [arg, {}];
        if (typeof template !== 'string') return stand(PolicySize.REFERENCE_MAX_LENGTH);
        return template.replace(/\$\{([^}]*)\}/g, (_m, name: string) => {
          if (name.startsWith('!')) return `\${${name.slice(1)}}`; // ${!Literal} is written as ${Literal}
          if (vars && typeof vars === 'object' && name in vars) return this.text(this.expand(vars[name]));
          return stand(this.pseudo[name] ?? PolicySize.REFERENCE_MAX_LENGTH);
        });
      }
      case 'Fn::If': {
        if (!Array.isArray(arg)) return stand(PolicySize.REFERENCE_MAX_LENGTH);
        return this.longest([this.expand(arg[1]), this.expand(arg[2])]);
      }
      case 'Fn::Select': {
        const list = Array.isArray(arg) ? this.expand(arg[1]) : undefined;
        return Array.isArray(list) && list.length > 0 ? this.longest(list) : stand(PolicySize.REFERENCE_MAX_LENGTH);
      }
      default:
        // Fn::GetAtt, Fn::ImportValue, Fn::GetStackOutput, Fn::FindInMap, ...
        return stand(PolicySize.REFERENCE_MAX_LENGTH);
    }
  }

  private longest(values: unknown[]): unknown {
    return values.reduce((a, b) => (compactJson(b).length > compactJson(a).length ? b : a));
  }

  /** A part of a joined string: strings and numbers as they are, anything else at the longest reference. */
  private text(value: unknown): string {
    if (typeof value === 'string') return value;
    return typeof value === 'number' ? String(value) : stand(PolicySize.REFERENCE_MAX_LENGTH);
  }
}

/** The partition of a region, where its name tells it for certain; undefined otherwise. */
function partitionOf(region: string | undefined): string | undefined {
  if (region === undefined) return undefined;
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  // Isolated and sovereign partitions (us-iso-east-1, eusc-de-east-1, ...) have longer names: not guessed.
  return /^[a-z]{2}-[a-z]+-\d+$/.test(region) && !region.includes('-iso') ? 'aws' : undefined;
}

function stand(length: number): string {
  return 'x'.repeat(length);
}
