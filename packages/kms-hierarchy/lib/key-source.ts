/**
 * What a key of the hierarchy is for. Each purpose gets its own key, so a compromise or a
 * policy mistake on one class of data does not expose the others.
 */
export enum KeyPurpose {
  /** Application data at rest: S3 buckets and other data stores. */
  DATA = 'DATA',
  /** Secrets Manager secrets. */
  SECRETS = 'SECRETS',
  /** CloudWatch Logs log groups and the streams and queues that carry log records. */
  LOGS = 'LOGS',
}

/**
 * Where a key of the hierarchy comes from: created by this construct, or an existing key
 * imported by its ARN. There is no implicit fallback between the two.
 */
export class KeySource {
  /**
   * Create a new customer managed key (rotation on, retained on delete, alias, restrictive policy).
   */
  public static create(): KeySource {
    return new KeySource(undefined);
  }

  /**
   * Use an existing key. Nothing is created and the key's policy is not changed: it must already
   * allow what the workloads need (see the package README).
   *
   * @param keyArn the key ARN, `arn:<partition>:kms:<region>:<account>:key/<key-id>` (not an alias ARN)
   */
  public static fromKeyArn(keyArn: string): KeySource {
    return new KeySource(keyArn);
  }

  /**
   * The ARN of the imported key.
   * @default - undefined when the key is created
   */
  public readonly keyArn?: string;

  private constructor(keyArn: string | undefined) {
    this.keyArn = keyArn;
  }

  /** True when the key is imported by ARN rather than created. */
  public get isImported(): boolean {
    return this.keyArn !== undefined;
  }
}
