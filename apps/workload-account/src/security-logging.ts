import { GuardrailsConfig } from '@cdk-guardrails/config';
import { CentralLogDestination, CentralLogShipping, SecurityEventCapture } from '@cdk-guardrails/central-logging';
import { EncryptedBucket, EncryptionMode } from '@cdk-guardrails/s3-encryption';
import { RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface WorkloadSecurityLoggingProps {
  readonly config: GuardrailsConfig;
  readonly region: string;
  readonly logsKey: kms.IKey;
  readonly minimumTlsVersion: number;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Capture and shipping in one workload region: a trail to an SSE-KMS bucket (always the logs
 * key, whatever the data-bucket mode: CloudTrail writes with that key) and to the audit log
 * group; EventBridge rules for S3 policy changes (and IAM changes in us-east-1) to the security
 * log group; both subscribed to the security account's destination in this region. The
 * destination ARN comes from config: CloudFormation cannot reference another account's stack.
 */
export class WorkloadSecurityLogging extends Construct {
  public readonly capture: SecurityEventCapture;
  public readonly shipping: CentralLogShipping;
  /** The bucket the trail of this region delivers its log files to. */
  public readonly trailBucket: EncryptedBucket;

  constructor(scope: Construct, id: string, props: WorkloadSecurityLoggingProps) {
    super(scope, id);
    const { config } = props;
    const trailBucket = new EncryptedBucket(this, 'TrailBucket', {
      encryption: EncryptionMode.sseKms(props.logsKey),
      removalPolicy: props.removalPolicy,
      minimumTlsVersion: props.minimumTlsVersion,
    });
    this.shipping = new CentralLogShipping(this, 'Shipping', {
      destinationArn: CentralLogDestination.arnFor(config.securityAccount.accountId, props.region, config.securityAccount.destinationName),
      // An organization-wide destination policy (aws:PrincipalOrgID) needs a sender role.
      useSenderRole: config.organizationId !== undefined,
    });
    this.capture = new SecurityEventCapture(this, 'Capture', {
      trailBucket,
      logsKey: props.logsKey,
      shipping: this.shipping,
      // Local copies keep the class retention too; the central copies are the ones queried.
      auditLogRetention: config.logging.retentionDays.audit as logs.RetentionDays,
      securityLogRetention: config.logging.retentionDays.security as logs.RetentionDays,
      removalPolicy: props.removalPolicy,
    });
    this.trailBucket = trailBucket;
  }
}
