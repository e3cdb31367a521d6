import { GuardrailsConfig } from '@cdk-guardrails/config';
import { DetectiveControls } from '@cdk-guardrails/detective-controls';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface WorkloadDetectiveControlsProps {
  readonly config: GuardrailsConfig;
  /** Record global resources (IAM, root MFA rules) here: once per account. */
  readonly homeRegion: boolean;
  readonly deliveryKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
  /** Where the Config bucket writes its server access logs. */
  readonly accessLogBucket?: s3.IBucket;
}

/** AWS Config recorder and rules, GuardDuty, Access Analyzer and Security Hub in one workload region, each switchable in config. */
export class WorkloadDetectiveControls extends Construct {
  public readonly controls: DetectiveControls;

  constructor(scope: Construct, id: string, props: WorkloadDetectiveControlsProps) {
    super(scope, id);
    const { config } = props;
    const switches = config.detectiveControls;
    const rotation = config.secrets.rotationDays;
    this.controls = new DetectiveControls(this, 'Controls', {
      enableConfigRecorder: switches.configRecorder,
      configDeliveryKey: switches.configRecorder ? props.deliveryKey : undefined,
      includeGlobalResources: props.homeRegion,
      enableConfigRules: switches.configRules,
      requireS3KmsEncryption: config.s3.encryption === 'SSE_KMS',
      // The rule flags any secret that rotates less often than the longest configured class.
      maxSecretRotationInterval: Duration.days(Math.max(rotation.database, rotation.apiKey, rotation.serviceToken)),
      enableGuardDuty: switches.guardDuty,
      // S3 protection is always on (CT.GUARDDUTY.PR.1); config chooses the other plans.
      guardDutyProtection: switches.guardDuty ? switches.guardDutyProtection : undefined,
      enableAccessAnalyzer: switches.accessAnalyzer,
      // Security Hub (config securityHub): the aggregator lives in the security account only.
      enableSecurityHub: config.securityHub.enabled,
      securityHub: config.securityHub.enabled ? { standards: config.securityHub.standards } : undefined,
      // Account analyzers only: an organization analyzer can be created only in the management
      // or delegated-administrator account, which a workload account is not assumed to be.
      removalPolicy: props.removalPolicy,
      configBucketAccessLogs: props.accessLogBucket,
    });
  }
}
