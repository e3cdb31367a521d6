/**
 * The compliance gate of the security account app: the cdk-nag packs (AwsSolutions, NIST
 * 800-53 R5, PCI DSS 3.2.1, HIPAA Security) and the project's Guardrails pack run as validation
 * plugins at every synth; a finding that is not acknowledged here fails synth. Every
 * acknowledgement names the construct (path inside each security stack) and a specific reason.
 */
import { Acknowledge, GuardrailsChecks } from '@cdk-guardrails/compliance-rules';
import { GuardrailsConfig } from '@cdk-guardrails/config';
import { PermissionsBoundary } from '@cdk-guardrails/iam-least-privilege';
import { App, CfnResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks, rules } from 'cdk-nag';
import { IConstruct } from 'constructs';

/** One acknowledgement: rule ids (per stack) on the constructs at `path` (relative to each stack, `*` matches one path segment). */
export interface Acknowledgement {
  readonly path: string;
  readonly ids: string[] | ((stack: Stack) => string[]);
  readonly reason: string;
}

/** The L1 resource at a stack-relative path, if the stack has it. */
function resourceAt(stack: Stack, path: string): CfnResource | undefined {
  let current: IConstruct | undefined = stack;
  for (const segment of path.split('/')) current = current?.node.tryFindChild(segment);
  return current && CfnResource.isCfnResource(current) ? current : undefined;
}

const ALL_PACKS = ['NIST.800.53.R5', 'PCI.DSS.321', 'HIPAA.Security'];
const packs = (rule: string, which: string[] = ALL_PACKS) => which.map((p) => `${p}-${rule}`);

/** The plugins of the gate, configured from the environment's config. */
export function compliancePlugins(app: App, config: GuardrailsConfig) {
  const retention = config.logging.retentionDays;
  return [
    new AwsSolutionsChecks(app),
    new NIST80053R5Checks(app),
    new PCIDSS321Checks(app),
    new HIPAASecurityChecks(app),
    new GuardrailsChecks(app, {
      maxDatabaseSecretRotation: Duration.days(30),
      maxTokenSecretRotation: Duration.days(90),
      // The central log groups are /guardrails/central/<class>.
      // Only the account's own boundary counts (created in the home stack, referenced by name elsewhere).
      permissionsBoundaryPattern: `(^|/)${PermissionsBoundary.DEFAULT_POLICY_NAME}$`,
      logClasses: [
        { className: 'audit', logGroupNamePattern: '(^|/)audit(/|$)', retentionDays: retention.audit },
        { className: 'security', logGroupNamePattern: '(^|/)security(/|$)', retentionDays: retention.security },
        { className: 'app', logGroupNamePattern: '(^|/)app(/|$)', retentionDays: retention.app },
      ],
    }),
  ];
}

/** The acknowledged findings of the security account stacks. */
export function securityAcknowledgements(): Acknowledgement[] {
  const acks: Acknowledgement[] = [
    {
      // The boundary is a ceiling: it is intersected with identity policies and grants nothing itself.
      path: 'PermissionsBoundary/Resource',
      ids: (stack: Stack) => {
        const boundary = resourceAt(stack, 'PermissionsBoundary/Resource');
        const wildcards = boundary ? rules.iam.IAMNoWildcardPermissions(boundary) : [];
        return [
          ...(Array.isArray(wildcards) ? wildcards.map((finding) => `AwsSolutions-IAM5[${finding}]`) : []),
          ...packs('IAMPolicyNoStatementsWithFullAccess'),
        ];
      },
      reason: 'the permissions boundary is a ceiling intersected with each role\'s identity policies and grants nothing by itself; it allows the services the guardrails use, limited to this account\'s resources, and its deny statements protect the guardrails (iam-least-privilege PermissionsBoundary)',
    },
    {
      path: 'CentralLogs/Stream/Resource',
      ids: ['AwsSolutions-KDS3'],
      reason: 'the central stream is encrypted with the security account\'s logs key (customer managed) instead of aws/kinesis on purpose: only a customer managed key lets the key policy decide who can read the stream',
    },
    {
      path: 'CentralLogs/DeadLetterQueue/Resource',
      ids: ['AwsSolutions-SQS3'],
      reason: 'this queue is itself the dead-letter destination of the forwarder (Kinesis event source on-failure destination and poison records); a DLQ of a DLQ would only move the same records',
    },
    {
      path: 'CentralLogs/Forwarder/Resource',
      ids: packs('LambdaInsideVPC'),
      reason: 'the forwarder reads the Kinesis stream through its event source mapping and calls only the CloudWatch Logs and SQS APIs; the security account has no VPC in config, and a VPC would need interface endpoints for both services',
    },
    {
      path: 'CentralLogs/Forwarder/Resource',
      ids: packs('LambdaDLQ', ['NIST.800.53.R5', 'HIPAA.Security']),
      reason: 'the forwarder is invoked synchronously by its Kinesis event source mapping, where a function DLQ never applies; failed batches go to the on-failure destination (the encrypted dead-letter queue) and poison records are sent there by the handler',
    },
    {
      path: 'CentralLogs/Forwarder/Resource',
      ids: packs('LambdaConcurrency', ['NIST.800.53.R5', 'HIPAA.Security']),
      reason: 'concurrency is bounded by the stream: one concurrent batch per shard (parallelization factor 1); reserved concurrency would only add throttling of records that must not be lost',
    },
    {
      path: 'CentralLogs/DeadLetterAlarm/Resource',
      ids: packs('CloudWatchAlarmAction', ['NIST.800.53.R5', 'HIPAA.Security']),
      reason: 'config names no notification topic for the security account yet; the alarm state is visible in CloudWatch (and the queue keeps every record for replay). Open item for the lead: an SNS topic (encrypted) in config and an alarm action',
    },
  ];
  for (const path of ['CentralLogs/DestinationRole/DefaultPolicy/Resource', 'CentralLogs/ForwarderRole/DefaultPolicy/Resource']) {
    acks.push({
      path,
      ids: ['AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]'],
      reason: 'CDK key grant (grantEncryptDecrypt) on the one logs key ARN: the kms:GenerateDataKey*/ReEncrypt* variants are limited to that key',
    });
    acks.push({
      path,
      ids: packs('IAMNoInlinePolicy'),
      reason: 'CDK grant policy attached to exactly one role and scoped to that role\'s resources; inline keeps it deleted with the role and never reused by another principal',
    });
  }
  return acks;
}

/** Applies acknowledgements to every stack of the app; returns how many constructs each matched. */
export function applyAcknowledgements(app: App, acks: Acknowledgement[]): number[] {
  const stacks = app.node.children.filter((c): c is Stack => Stack.isStack(c));
  return acks.map((ack) => stacks.reduce((matched, stack) => {
    const ids = typeof ack.ids === 'function' ? ack.ids(stack) : ack.ids;
    return matched + Acknowledge.atPath(stack, ack.path, ids, ack.reason).length;
  }, 0));
}

/** Registers the gate on the app. */
export function addComplianceGate(app: App, config: GuardrailsConfig): void {
  Validations.of(app).addPlugins(...compliancePlugins(app, config));
  applyAcknowledgements(app, securityAcknowledgements());
}
