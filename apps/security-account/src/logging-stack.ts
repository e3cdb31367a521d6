import { MinimumTls } from '@cdk-guardrails/facts';
import {
  addAccessLogBucket,
  addPrivateFunctionsNetwork,
  allowSseCOf,
  auditEvidenceLifecycleRules,
  GuardrailStack,
  removalPolicyOf,
  requirePrivateFunctions,
} from '@cdk-guardrails/app-kit';
import {
  GUARDRAIL_NAME_PREFIX,
  GUARDRAIL_NAMES,
  guardrailAdministratorArns,
  evidenceDestinationName,
  evidenceSubscriberArnPatterns,
  GuardrailsConfig,
  logWriterRoleName,
  privateNetworkFor,
  securityEventCaptureNames,
} from '@cdk-guardrails/config';
import { CentralLogDestination, DestinationStreamCapacity, LogSenders, SecurityEventCapture, TrailScope } from '@cdk-guardrails/central-logging';
import { PrivateNetwork } from '@cdk-guardrails/resilience';
import { DetectiveControls } from '@cdk-guardrails/detective-controls';
import { PermissionsBoundary } from '@cdk-guardrails/iam-least-privilege';
import { AccessLogBucket, EncryptedBucket, EncryptionMode, ProtectBucketConfiguration, ProtectLogObjects } from '@cdk-guardrails/s3-encryption';
import { Annotations, Aspects, Aws, Duration, StackProps, Tags } from 'aws-cdk-lib';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface LoggingStackProps extends StackProps {
  readonly config: GuardrailsConfig;
  /** The logs key of this account and region (from the keys stack). */
  readonly logsKey: kms.IKey;
  /** The data key of this account and region (from the keys stack): AWS Config delivers with it. */
  readonly dataKey: kms.IKey;
  /** Record global resources (IAM) here: the account's first region only. */
  readonly homeRegion: boolean;
}

/**
 * The central log destination of one region: Logs destination, KMS-encrypted Kinesis stream,
 * forwarder and the central log groups per class (audit, security, app), all encrypted with
 * the security account's logs key. Workload accounts subscribe to it from the same region.
 */
export class LoggingStack extends GuardrailStack {
  public readonly destination: CentralLogDestination;
  /** The topic the guardrail alarms publish to (encrypted with the logs key). */
  public readonly alarmTopic: sns.Topic;
  /** The private subnets and endpoints of the forwarder, in the network mode. */
  public readonly network?: PrivateNetwork;
  /** The security account's own detective controls in this region (config securityAccount.detectiveControls). */
  public readonly detectiveControls: DetectiveControls;
  /** The target of the server access logs of this stack's buckets (none without a bucket here). */
  public readonly accessLogBucket?: AccessLogBucket;
  /** The security account's own trail (multi-region, in its first region) and S3-change capture. */
  public readonly capture: SecurityEventCapture;
  /** The bucket the security account's multi-region trail delivers to (its first region only). */
  public readonly trailBucket?: EncryptedBucket;

  constructor(scope: Construct, id: string, props: LoggingStackProps) {
    super(scope, id, props);
    const { config } = props;
    const retention = config.logging.retentionDays;
    const stream = config.logging.stream;
    // Network mode: the forwarder runs in private subnets and reaches CloudWatch Logs, SQS and
    // KMS through the VPC endpoints (its Kinesis source is polled by Lambda outside the VPC).
    const entry = privateNetworkFor(config, config.securityAccount.accountId, this.region);
    if (entry) {
      this.useAvailabilityZones(entry.vpc.availabilityZones);
      this.network = addPrivateFunctionsNetwork(this, 'Network', entry, {
        waiver: { owner: config.compliance.waiverOwner, expires: config.compliance.waiverReviewBy },
        flowLogsKey: props.logsKey,
        flowLogRetention: retention.security,
        removalPolicy: removalPolicyOf(config),
      });
      requirePrivateFunctions(this, this.network);
    }
    this.destination = new CentralLogDestination(this, 'CentralLogs', {
      // The organization condition is used only when config names an organization; otherwise the
      // policy lists the workload accounts (the construct fails synth above the 5,120-byte limit).
      // Even with an organization, only the listed workload accounts (and the accounts of the
      // StackSet OUs, which join later) may subscribe: never a sandbox of the same organization.
      senders: config.organizationId
        ? LogSenders.fromOrganizationAccounts(
            config.organizationId,
            [...new Set(config.workloadAccounts.map((a) => a.accountId))],
            config.stackSets?.organizationalUnitIds,
          )
        : LogSenders.fromAccounts([...new Set(config.workloadAccounts.map((a) => a.accountId))]),
      logsKey: props.logsKey,
      destinationName: config.securityAccount.destinationName,
      retention: {
        audit: retention.audit as logs.RetentionDays,
        security: retention.security as logs.RetentionDays,
        app: retention.app as logs.RetentionDays,
      },
      streamCapacity: stream.mode === 'PROVISIONED' ? DestinationStreamCapacity.provisioned(stream.shardCount) : DestinationStreamCapacity.onDemand(),
      removalPolicy: removalPolicyOf(config),
      // Protected names (boundary and SCP protect-guardrail-resources), and a stream whose
      // configuration only the guardrail administrators may change.
      streamName: GUARDRAIL_NAMES.centralStream,
      forwarderFunctionName: GUARDRAIL_NAMES.forwarderFunction,
      // The one role (but the deployers) the SCP lets write the central log groups.
      forwarderRoleName: logWriterRoleName('forwarder', this.region),
      forwarderLogGroupName: GUARDRAIL_NAMES.forwarderLogGroup,
      deadLetterQueueName: GUARDRAIL_NAMES.deadLetterQueue,
      deadLetterAlarmName: GUARDRAIL_NAMES.deadLetterAlarm,
      deliveryDelayAlarmName: GUARDRAIL_NAMES.deliveryDelayAlarm,
      streamThrottleAlarmName: GUARDRAIL_NAMES.streamThrottleAlarm,
      forwarderThrottleAlarmName: GUARDRAIL_NAMES.forwarderThrottleAlarm,
      // The audit and security classes get a destination and stream of their own, which only the
      // deployers (and, with an organization, the sender roles) may subscribe to: a workload admin who
      // floods the open stream delays app records only (red-team A14).
      evidenceSubscriberArnPatterns: evidenceSubscriberArnPatterns(config, this.region),
      evidenceDestinationName: evidenceDestinationName(config.securityAccount.destinationName),
      evidenceStreamName: GUARDRAIL_NAMES.evidenceStream,
      evidenceDeliveryDelayAlarmName: GUARDRAIL_NAMES.evidenceDeliveryDelayAlarm,
      evidenceStreamThrottleAlarmName: GUARDRAIL_NAMES.evidenceStreamThrottleAlarm,
      administratorArns: guardrailAdministratorArns(config, config.securityAccount.accountId),
      vpc: this.network?.vpc,
      vpcSubnets: this.network?.subnetSelection,
      securityGroups: this.network ? [this.network.functionSecurityGroup] : undefined,
    });
    this.alarmTopic = this.addAlarmTopic(config, props.logsKey);
    // Lost records (dead letters), late delivery for every sender, a saturated stream: the operators hear of each.
    const d = this.destination;
    for (const alarm of [
      d.deadLetterAlarm,
      d.deliveryDelayAlarm,
      d.streamThrottleAlarm,
      d.forwarderThrottleAlarm,
      d.evidenceDeliveryDelayAlarm!,
      d.evidenceStreamThrottleAlarm!,
    ]) {
      alarm.addAlarmAction(new cloudwatchActions.SnsAction(this.alarmTopic));
    }

    // The stream policy admits writers by this role's exact ARN: nobody inside the boundary may
    // delete and re-create it (and so obtain the ARN), change its trust or pass it.
    PermissionsBoundary.protectRole(this.destination.destinationRole);
    PermissionsBoundary.protectRole(this.destination.evidenceDestinationRole!);
    // One access-log bucket per region, for the buckets of this stack (trail, Config): CT.S3.PR.2.
    if (props.homeRegion || config.securityAccount.detectiveControls.configRecorder) {
      this.accessLogBucket = addAccessLogBucket(this, config, removalPolicyOf(config), guardrailAdministratorArns(config, config.securityAccount.accountId));
    }
    this.detectiveControls = this.addDetectiveControls(config, props.dataKey, props.homeRegion);
    const audit = this.addOwnAuditTrail(config, props.logsKey, props.homeRegion);
    this.capture = audit.capture;
    this.trailBucket = audit.trailBucket;
    // Every role of this stack is guardrail infrastructure (destination, forwarder, flow logs).
    PermissionsBoundary.protectRoles(this);
    // The mapping that feeds the forwarder (its ARN has a random id) and the security groups: SCP
    // protect-tagged-guardrail-resources finds them by this tag (the functions: GuardrailStack).
    Tags.of(this).add(PermissionsBoundary.PROTECTED_TAG_KEY, 'true', { includeResourceTypes: ['AWS::Lambda::EventSourceMapping', 'AWS::EC2::SecurityGroup'] });
  }

  /**
   * The central audit store must not be a dark account: AWS Config (recorder, delivery to a bucket
   * encrypted with the data key, the guardrail rules), GuardDuty, IAM Access Analyzer and Security Hub, each
   * switchable in config as for the workload accounts. Under `DetectiveControls/Controls`, the
   * path the shared compliance acknowledgements name. Their evidence is protected as in the
   * workload accounts: only AWS Config and its recorder role write the Config bucket's objects,
   * only the guardrail administrators delete them or change the bucket's configuration.
   */
  private addDetectiveControls(config: GuardrailsConfig, dataKey: kms.IKey, homeRegion: boolean): DetectiveControls {
    const switches = config.securityAccount.detectiveControls;
    const hub = config.securityHub;
    const rotation = config.secrets.rotationDays;
    const holder = new Construct(this, 'DetectiveControls');
    const controls = new DetectiveControls(holder, 'Controls', {
      enableConfigRecorder: switches.configRecorder,
      configDeliveryKey: switches.configRecorder ? dataKey : undefined,
      includeGlobalResources: homeRegion,
      enableConfigRules: switches.configRules,
      requireS3KmsEncryption: config.s3.encryption === 'SSE_KMS',
      maxSecretRotationInterval: Duration.days(Math.max(rotation.database, rotation.apiKey, rotation.serviceToken)),
      enableGuardDuty: switches.guardDuty,
      // S3 protection is always on (CT.GUARDDUTY.PR.1); config chooses the other plans.
      guardDutyProtection: switches.guardDuty ? switches.guardDutyProtection : undefined,
      enableAccessAnalyzer: switches.accessAnalyzer,
      // One unused-access analyzer, in the first region: IAM is global and the analyzer is billed per role and user analyzed.
      // Organization-wide with organizationId: assumes the security account is Access Analyzer's delegated administrator.
      unusedAccessAnalyzer:
        homeRegion && config.securityAccount.unusedAccessAnalyzer.enabled
          ? { trackingPeriod: Duration.days(config.securityAccount.unusedAccessAnalyzer.trackingPeriodDays), organizationId: config.organizationId }
          : undefined,
      // Security Hub (config securityHub); the home region aggregates the findings of the configured regions.
      enableSecurityHub: hub.enabled,
      securityHub: hub.enabled
        ? { standards: hub.standards, linkedRegions: homeRegion && hub.aggregationRegions.length > 0 ? hub.aggregationRegions : undefined }
        : undefined,
      removalPolicy: removalPolicyOf(config),
      configBucketAccessLogs: this.accessLogBucket,
    });
    const administrators = guardrailAdministratorArns(config, config.securityAccount.accountId);
    const recorderRole = controls.recorderRole;
    if (controls.configBucket) {
      new ProtectLogObjects({ administratorArns: administrators, writerArns: recorderRole ? [recorderRole.roleArn] : [] }).applyTo(controls.configBucket);
      Aspects.of(holder).add(new ProtectBucketConfiguration({ administratorArns: administrators }));
    }
    // The recorder role: DetectiveControls exempts it from the boundary and tags it guardrails:protected.
    return controls;
  }

  /**
   * The central audit store is not a dark account: a multi-region trail in the account's first region
   * records the management events of every region (and the global service events) with log file
   * validation, into a trail bucket encrypted with the logs key (Object Lock as config auditLogs says)
   * and an audit log group kept for the audit class's retention. Not shipped: this account holds the
   * central copies, and its own records stay in its own log groups (`/guardrails/audit/cloudtrail`,
   * `/guardrails/security/events`), which the docs' queries name. Every region also writes S3 policy,
   * encryption, public-access, retention and logging changes and bucket deletions to its security log group. Only the guardrail administrators
   * delete or change the trail bucket's objects and configuration (ProtectLogObjects,
   * ProtectBucketConfiguration); the boundary and the SCPs protect the trail and the rules by name.
   */
  private addOwnAuditTrail(config: GuardrailsConfig, logsKey: kms.IKey, homeRegion: boolean): { capture: SecurityEventCapture; trailBucket?: EncryptedBucket } {
    const removalPolicy = removalPolicyOf(config);
    const administrators = guardrailAdministratorArns(config, config.securityAccount.accountId);
    const lock = config.auditLogs.objectLock;
    const trailBucket = homeRegion
      ? new EncryptedBucket(this, 'TrailBucket', {
          encryption: EncryptionMode.sseKms(logsKey),
          removalPolicy,
          minimumTlsVersion: MinimumTls.VERSION,
          objectLockDefaultRetention: lock.mode === 'none' ? undefined : s3.ObjectLockRetention[lock.mode](Duration.days(lock.retentionDays)),
          allowSseC: allowSseCOf(config),
          // CloudTrail's digest files (log file validation) are SSE-S3 whatever the trail's key.
          sseS3DeliverySourceArns: [`arn:${Aws.PARTITION}:cloudtrail:${this.region}:${this.account}:trail/*`],
          serverAccessLogsBucket: this.accessLogBucket,
          lifecycleRules: auditEvidenceLifecycleRules(config),
          eventBridgeEnabled: true,
        })
      : undefined;
    const capture = new SecurityEventCapture(this, 'Capture', {
      trailScope: homeRegion ? TrailScope.ALL_REGIONS : TrailScope.NONE,
      trailBucket,
      logsKey,
      auditLogRetention: config.logging.retentionDays.audit,
      securityLogRetention: config.logging.retentionDays.security,
      removalPolicy,
      // Protected names (boundary, SCPs), the named trail its bucket accepts, the SCP's log writer.
      ...securityEventCaptureNames(this.region),
    });
    if (trailBucket) {
      new ProtectLogObjects({ administratorArns: administrators }).applyTo(trailBucket);
      new ProtectBucketConfiguration({ administratorArns: administrators }).applyTo(trailBucket);
    }
    return { capture, trailBucket };
  }

  /**
   * The guardrail alarm topic: encrypted with the logs key (CloudWatch may use it for this account's
   * alarms only), TLS only, subscriptions from config. Its own policy lets nobody but the guardrail
   * administrators delete it, change it, subscribe to it or publish to it (CloudWatch publishes as
   * its service principal): a bounded admin cannot silence or fake the alarm.
   */
  private addAlarmTopic(config: GuardrailsConfig, logsKey: kms.IKey): sns.Topic {
    const topic = new sns.Topic(this, 'AlarmTopic', { topicName: GUARDRAIL_NAMES.alarmTopic, masterKey: logsKey, enforceSSL: true });
    for (const email of config.securityAccount.alarmEmails) topic.addSubscription(new subscriptions.EmailSubscription(email));
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyTopicChangesExceptAdministrators',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        // Unsubscribing, a subscription filter that matches nothing, a data protection policy that
        // refuses CloudWatch's messages, or re-tagging would silence the alarm as surely as deleting it.
        actions: [
          'sns:DeleteTopic',
          'sns:SetTopicAttributes',
          'sns:AddPermission',
          'sns:RemovePermission',
          'sns:Subscribe',
          'sns:Publish',
          'sns:Unsubscribe',
          'sns:SetSubscriptionAttributes',
          'sns:PutDataProtectionPolicy',
          'sns:TagResource',
          'sns:UntagResource',
        ],
        resources: [topic.topicArn],
        conditions: {
          ArnNotEquals: { 'aws:PrincipalArn': guardrailAdministratorArns(config, config.securityAccount.accountId) },
          BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
        },
      }),
    );
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        // Only the guardrail alarms (their names are protected by the boundary and the SCP): an alarm of
        // one's own pointed at the topic would publish fake OK/ALARM messages.
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: { 'aws:SourceArn': `arn:${this.partition}:cloudwatch:${this.region}:${this.account}:alarm:${GUARDRAIL_NAME_PREFIX}-*` },
        },
      }),
    );
    // CloudWatch encrypts what it publishes with the topic's key: allow it for this account's alarms.
    const added = logsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToTheAlarmTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      /* allowNoOp */ true,
    );
    if (!added.statementAdded) {
      Annotations.of(topic).addWarningV2(
        '@cdk-guardrails/security-account:importedLogsKeyAlarms',
        'the logs key is imported: its key policy must let cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey* (aws:SourceAccount this account), or the alarm notifications are never delivered',
      );
    }
    return topic;
  }
}
