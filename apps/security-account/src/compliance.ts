/**
 * The compliance gate of the security account app: the cdk-nag packs (AwsSolutions, NIST
 * 800-53 R5, PCI DSS 3.2.1, HIPAA Security) and the project's Guardrails pack run as validation
 * plugins at every synth; a finding that is not acknowledged here fails synth. Every
 * acknowledgement names the construct (path inside each security stack) and a specific reason.
 */
import {
  accessLogBucketAcknowledgements,
  accountBaselineAcknowledgements,
  Acknowledgement,
  addComplianceGate as addGate,
  controlTowerRuleId as ct,
  crossStackLogsKeyAcknowledgements,
  detectiveControlsAcknowledgements,
  logClassRetentionAcknowledgements,
  packRuleIds as packs,
  permissionsBoundaryAcknowledgement,
  privateNetworkAcknowledgements,
} from '@cdk-guardrails/app-kit';
import { GuardrailsConfig } from '@cdk-guardrails/config';
import { App } from 'aws-cdk-lib';

/** The acknowledged findings of the security account stacks, for one environment. */
export function securityAcknowledgements(config: GuardrailsConfig): Acknowledgement[] {
  const privateFunctions = config.network.privateFunctions.enabled;
  const acks: Acknowledgement[] = [
    permissionsBoundaryAcknowledgement(),
    // The account settings function of the keys stacks (config accountBaseline).
    ...accountBaselineAcknowledgements(config),
    // The open stream and the evidence stream (audit and security classes, red-team A14).
    ...['CentralLogs/Stream/Resource', 'CentralLogs/EvidenceStream/Resource'].map((path) => ({
      path,
      ids: ['AwsSolutions-KDS3'],
      reason:
        "the central stream is encrypted with the security account's logs key (customer managed) instead of aws/kinesis on purpose: only a customer managed key lets the key policy decide who can read the stream",
    })),
    {
      path: 'CentralLogs/DeadLetterQueue/Resource',
      ids: ['AwsSolutions-SQS3', ct('CT.SQS.PR.1')],
      reason:
        'this queue is itself the dead-letter destination of the forwarder (Kinesis event source on-failure destination and poison records); a DLQ of a DLQ would only move the same records',
    },
    // Without the network mode (config network.privateFunctions) the forwarder runs outside a VPC.
    ...(privateFunctions
      ? []
      : [
          {
            path: 'CentralLogs/Forwarder/Resource',
            ids: [...packs('LambdaInsideVPC'), ct('CT.LAMBDA.PR.3')],
            reason:
              'network.privateFunctions is off in this environment: the forwarder reads the Kinesis stream through its event source mapping and calls only the CloudWatch Logs and SQS APIs; turn the network mode on to run it in private subnets behind VPC endpoints',
          },
        ]),
    {
      path: 'CentralLogs/Forwarder/Resource',
      ids: packs('LambdaDLQ', ['NIST.800.53.R5', 'HIPAA.Security']),
      reason:
        'the forwarder is invoked synchronously by its Kinesis event source mapping, where a function DLQ never applies; failed batches go to the on-failure destination (the encrypted dead-letter queue) and poison records are sent there by the handler',
    },
    {
      path: 'CentralLogs/Forwarder/Resource',
      ids: packs('LambdaConcurrency', ['NIST.800.53.R5', 'HIPAA.Security']),
      reason:
        'concurrency is bounded by the stream: one concurrent batch per shard (parallelization factor 1); reserved concurrency would only add throttling of records that must not be lost',
    },
  ];
  // The security account's own multi-region trail (its first region).
  acks.push(
    // Object Lock on the trail bucket as config auditLogs.objectLock says (none outside prod).
    ...(config.auditLogs.objectLock.mode === 'none'
      ? [
          {
            path: 'TrailBucket/Resource',
            ids: [ct('CT.S3.PR.9')],
            reason: `config/${config.environment}.json auditLogs.objectLock.mode is none in this environment (Object Lock is for the environments that keep real evidence, prod); only the guardrail administrators may delete its objects or change it (ProtectLogObjects, ProtectBucketConfiguration)`,
          },
        ]
      : []),
    {
      path: 'TrailBucket/Resource',
      ids: packs('S3BucketReplicationEnabled'),
      reason: `the security account's own trail bucket is not replicated to a second region: config/${config.environment}.json auditLogs.replicaRegion names the replica of the workload accounts' trails only (a replica stack per workload account); its copy in CloudWatch Logs (/guardrails/audit/cloudtrail, ${config.logging.retentionDays.audit} days, logs key) is the second copy`,
    },
    {
      path: 'Capture/Trail/LogsRole/DefaultPolicy/Resource',
      ids: packs('IAMNoInlinePolicy'),
      reason:
        "aws-cdk-lib's CloudTrail-to-CloudWatch-Logs role policy (CreateLogStream/PutLogEvents on the one audit log group), attached to exactly that role; inline keeps it deleted with the role and never reused by another principal",
    },
  );
  for (const path of [
    'CentralLogs/DestinationRole/DefaultPolicy/Resource',
    'CentralLogs/EvidenceDestinationRole/DefaultPolicy/Resource',
    'CentralLogs/ForwarderRole/DefaultPolicy/Resource',
  ]) {
    acks.push({
      path,
      ids: ['AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]'],
      reason: 'CDK key grant (grantEncryptDecrypt) on the one logs key ARN: the kms:GenerateDataKey*/ReEncrypt* variants are limited to that key',
    });
    acks.push({
      path,
      ids: packs('IAMNoInlinePolicy'),
      reason:
        "CDK grant policy attached to exactly one role and scoped to that role's resources; inline keeps it deleted with the role and never reused by another principal",
    });
  }
  acks.push(...privateNetworkAcknowledgements());
  acks.push(...accessLogBucketAcknowledgements());
  // Control Tower: the mission's log classes keep security logs 90 days and app logs 30 days.
  acks.push(
    ...logClassRetentionAcknowledgements(config, [
      { path: 'Capture/SecurityLogGroup/Resource', logClass: 'security' },
      { path: 'CentralLogs/SecurityLogGroup/Resource', logClass: 'security' },
      { path: 'CentralLogs/AppLogGroup/Resource', logClass: 'app' },
      // VPC flow logs of the network mode are security class.
      { path: 'Network/FlowLogGroup/Resource', logClass: 'security' },
    ]),
  );
  // Control Tower: the logging stack's resources use the keys stack's logs key (Fn::GetStackOutput).
  acks.push(
    ...crossStackLogsKeyAcknowledgements([
      ...['Audit', 'Security', 'App', 'Forwarder'].map((name) => ({
        path: `CentralLogs/${name}LogGroup/Resource`,
        controlIds: ['CT.CLOUDWATCH.PR.3'],
        keyProperty: 'kmsKeyId',
      })),
      ...['Audit', 'Security'].map((name) => ({ path: `Capture/${name}LogGroup/Resource`, controlIds: ['CT.CLOUDWATCH.PR.3'], keyProperty: 'kmsKeyId' })),
      { path: 'Network/FlowLogGroup/Resource', controlIds: ['CT.CLOUDWATCH.PR.3'], keyProperty: 'kmsKeyId' },
      { path: 'Capture/Trail/Resource', controlIds: ['CT.CLOUDTRAIL.PR.1'], keyProperty: 'kmsKeyId' },
      ...['Stream', 'EvidenceStream'].map((name) => ({
        path: `CentralLogs/${name}/Resource`,
        controlIds: ['CT.KINESIS.PR.1'],
        keyProperty: 'streamEncryption.keyId',
      })),
      { path: 'CentralLogs/DeadLetterQueue/Resource', controlIds: ['CT.SQS.PR.2'], keyProperty: 'kmsMasterKeyId' },
    ]),
  );
  // The security account's own detective controls (config securityAccount.detectiveControls), as in the workload accounts.
  acks.push(...detectiveControlsAcknowledgements());
  return acks;
}

/** Registers the gate on the app. */
export function addComplianceGate(app: App, config: GuardrailsConfig): void {
  addGate(app, config, securityAcknowledgements(config));
}
