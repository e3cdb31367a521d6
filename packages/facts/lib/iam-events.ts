/**
 * IAM is a global service: CloudTrail delivers its events to EventBridge in us-east-1 only, so
 * IAM-change capture runs in a us-east-1 stack of every account, whatever its other regions.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html#iam-info-in-cloudtrail
 */
export class IamEvents {
  /** The region where IAM events reach EventBridge. */
  public static readonly REGION = 'us-east-1';

  private constructor() {}
}
