import { Stack } from 'aws-cdk-lib';
import * as accessanalyzer from 'aws-cdk-lib/aws-accessanalyzer';
import * as config from 'aws-cdk-lib/aws-config';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { createUnusedAccessAnalyzer } from './private/unused-access-analyzer';
import { SecurityHub } from './security-hub';
import { GUARDRAIL_RULES, RuleSpec, S3_KMS_RULE } from './private/rules';
import { detectorPlans } from './private/detector-properties';
import { protectRecorderRole } from './private/recorder-role';
import { validateProps } from './private/validate-props';
import { createConfigBucket } from './private/config-bucket';

import { DetectiveControlsProps, FindingPublishingFrequency } from './detective-controls-props';

/**
 * Detective controls for the guardrails: an AWS Config recorder and delivery channel, managed rules
 * that check the project's guarantees, a GuardDuty detector with S3 protection, an IAM Access
 * Analyzer and, when enabled, Security Hub. Each part can be switched off where the account already has it.
 */
export class DetectiveControls extends Construct {
  /** The configuration recorder (undefined when `enableConfigRecorder` is false). */
  public readonly configRecorder?: config.CfnConfigurationRecorder;

  /** The delivery channel (undefined when `enableConfigRecorder` is false). */
  public readonly deliveryChannel?: config.CfnDeliveryChannel;

  /** The bucket AWS Config delivers to (given or created; undefined without a recorder). */
  public readonly configBucket?: s3.IBucket;

  /** The role the recorder uses (undefined when `enableConfigRecorder` is false). */
  public readonly recorderRole?: iam.IRole;

  /** The managed rules (empty when `enableConfigRules` is false). */
  public readonly rules: config.ManagedRule[];

  /** The GuardDuty detector (undefined when `enableGuardDuty` is false). */
  public readonly detector?: guardduty.CfnDetector;

  /** Security Hub (undefined unless `enableSecurityHub` is true). */
  public readonly securityHub?: SecurityHub;

  /** The IAM Access Analyzer (undefined when `enableAccessAnalyzer` is false). */
  public readonly analyzer?: accessanalyzer.CfnAnalyzer;

  /** The unused-access analyzer (undefined without `unusedAccessAnalyzer`). */
  public readonly unusedAccessAnalyzer?: accessanalyzer.CfnAnalyzer;

  constructor(scope: Construct, id: string, props: DetectiveControlsProps = {}) {
    super(scope, id);
    validateProps(this, props);

    const enableRecorder = props.enableConfigRecorder ?? true;
    const includeGlobal = props.includeGlobalResources ?? true;

    if (enableRecorder) {
      const recorder = this.createRecorder(props, includeGlobal);
      this.configRecorder = recorder.recorder;
      this.deliveryChannel = recorder.channel;
      this.configBucket = recorder.bucket;
      this.recorderRole = recorder.role;
    }

    this.rules = (props.enableConfigRules ?? true) ? this.createRules(props, includeGlobal) : [];

    if (props.enableGuardDuty ?? true) {
      this.detector = new guardduty.CfnDetector(this, 'Detector', {
        enable: true,
        findingPublishingFrequency: props.findingPublishingFrequency ?? FindingPublishingFrequency.FIFTEEN_MINUTES,
        // DataSources (S3Logs always on, CT.GUARDDUTY.PR.1) or, for plans without a data source, Features: never both.
        ...detectorPlans(props.guardDutyProtection),
      });
    }

    if (props.enableSecurityHub === true) {
      this.securityHub = new SecurityHub(this, 'SecurityHub', props.securityHub);
    }

    if (props.enableAccessAnalyzer ?? true) {
      this.analyzer = new accessanalyzer.CfnAnalyzer(this, 'Analyzer', {
        type: props.organizationId !== undefined ? 'ORGANIZATION' : 'ACCOUNT',
        analyzerName: props.analyzerName,
      });
    }
    if (props.unusedAccessAnalyzer) {
      this.unusedAccessAnalyzer = createUnusedAccessAnalyzer(this, props.unusedAccessAnalyzer);
    }
  }

  /**
   * The bucket created here rejects PUTs without an encryption header (and, with a delivery key,
   * naming another key), like every bucket of the guardrails, but for AWS Config's own deliveries:
   * the recorder role (only AWS Config of this account can assume it, and nobody inside the boundary
   * can change, pass or assume it) and the config.amazonaws.com service principal, because AWS Config
   * is not documented to send the header. Default encryption encrypts what they deliver.
   */
  private enforceEncryptedUploads(bucket: s3.IBucket, recorderRole: iam.IRole, deliveryKey: kms.IKey | undefined): void {
    const exceptConfigDeliveries = {
      ArnNotEquals: { 'aws:PrincipalArn': recorderRole.roleArn },
      StringNotEqualsIfExists: { 'aws:PrincipalServiceName': 'config.amazonaws.com' },
    };
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyUnencryptedObjectUploads',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects('*')],
        conditions: { Null: { 's3:x-amz-server-side-encryption': 'true' }, ...exceptConfigDeliveries },
      }),
    );
    if (deliveryKey === undefined) return;
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyWrongKmsKey',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects('*')],
        conditions: {
          Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'false' },
          StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': deliveryKey.keyArn },
          ...exceptConfigDeliveries,
        },
      }),
    );
  }

  private createRecorder(props: DetectiveControlsProps, includeGlobal: boolean) {
    const stack = Stack.of(this);
    const bucket = props.configDeliveryBucket ?? createConfigBucket(this, props);
    const prefix = props.configDeliveryPrefix;
    const deliveryPath = `${prefix ? `${prefix}/` : ''}AWSLogs/${stack.account}/Config/*`;

    // A dedicated role (trusting AWS Config of this account only) rather than the service-linked
    // role, so the stack works in an account where the service-linked role does not exist yet.
    const role = new iam.Role(this, 'RecorderRole', {
      assumedBy: new iam.ServicePrincipal('config.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': stack.account },
      }),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWS_ConfigRole')],
    });
    protectRecorderRole(role);
    bucket.grantPut(role, deliveryPath);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetBucketAcl', 's3:ListBucket'],
        resources: [bucket.bucketArn],
      }),
    );
    if (props.configDeliveryKey) {
      props.configDeliveryKey.grantEncrypt(role);
    }

    // Bucket policy statements from the AWS Config documentation (no-op on an imported bucket).
    const sourceAccount = { 'aws:SourceAccount': stack.account };
    const configService = new iam.ServicePrincipal('config.amazonaws.com');
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AWSConfigBucketPermissionsCheck',
        principals: [configService],
        actions: ['s3:GetBucketAcl', 's3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringEquals: sourceAccount },
      }),
    );
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AWSConfigBucketDelivery',
        principals: [configService],
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects(deliveryPath)],
        conditions: { StringEquals: { ...sourceAccount, 's3:x-amz-acl': 'bucket-owner-full-control' } },
      }),
    );
    if (props.configDeliveryBucket === undefined) this.enforceEncryptedUploads(bucket, role, props.configDeliveryKey);

    const recorder = new config.CfnConfigurationRecorder(this, 'Recorder', {
      roleArn: role.roleArn,
      recordingGroup: {
        allSupported: true,
        includeGlobalResourceTypes: includeGlobal,
      },
    });
    const channel = new config.CfnDeliveryChannel(this, 'DeliveryChannel', {
      s3BucketName: bucket.bucketName,
      s3KeyPrefix: prefix,
      s3KmsKeyArn: props.configDeliveryKey?.keyArn,
      configSnapshotDeliveryProperties: { deliveryFrequency: config.MaximumExecutionFrequency.TWENTY_FOUR_HOURS },
    });
    // AWS Config needs the recorder before the channel, and the role's policy before either writes.
    channel.node.addDependency(recorder);
    recorder.node.addDependency(role);
    channel.node.addDependency(role);
    if (Construct.isConstruct(bucket) && bucket.policy) {
      channel.node.addDependency(bucket.policy);
    }
    return { recorder, channel, bucket, role };
  }

  private createRules(props: DetectiveControlsProps, includeGlobal: boolean): config.ManagedRule[] {
    const excluded = new Set(props.excludedRules ?? []);
    const specs: RuleSpec[] = [
      ...GUARDRAIL_RULES.filter((spec) => includeGlobal || !spec.global),
      ...(props.requireS3KmsEncryption ? [S3_KMS_RULE] : []),
    ].filter((spec) => !excluded.has(spec.identifier));
    const rotationDays = props.maxSecretRotationInterval?.toDays();
    return specs.map((spec) => {
      const rule = new config.ManagedRule(this, spec.id, {
        identifier: spec.identifier,
        description: `Guardrail: ${spec.description}.`,
        ruleScope: spec.scope ? config.RuleScope.fromResources(spec.scope) : undefined,
        maximumExecutionFrequency: spec.scope ? undefined : (props.periodicRuleFrequency ?? config.MaximumExecutionFrequency.TWENTY_FOUR_HOURS),
        inputParameters:
          spec.identifier === config.ManagedRuleIdentifiers.SECRETSMANAGER_ROTATION_ENABLED_CHECK && rotationDays !== undefined
            ? { maximumAllowedRotationFrequency: rotationDays }
            : undefined,
      });
      // A rule can only be created once a recorder exists.
      if (this.configRecorder) {
        rule.node.addDependency(this.configRecorder);
      }
      if (this.deliveryChannel) {
        rule.node.addDependency(this.deliveryChannel);
      }
      return rule;
    });
  }
}
