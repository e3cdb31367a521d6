/**
 * The minimum TLS version the guardrails require of clients (project decision: TLS 1.2; TLS 1.0
 * and 1.1 are deprecated by RFC 8996, and AWS service endpoints require 1.2 or later).
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html#example-object-tls-version
 */
export class MinimumTls {
  /** The minimum version as `s3:TlsVersion` compares it and the CDK's `Bucket` prop `minimumTLSVersion` takes it: 1.2. */
  public static readonly VERSION = 1.2;
  /** The minimum version as text: '1.2'. */
  public static readonly VERSION_TEXT = '1.2';
  /** The versions a bucket policy may require as its minimum (`s3:TlsVersion`): 1.2 and 1.3. */
  public static readonly S3_ALLOWED_VERSIONS: number[] = [1.2, 1.3];

  private constructor() {}
}
