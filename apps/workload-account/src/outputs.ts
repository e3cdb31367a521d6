import { EncryptedBackupPlan } from '@cdk-guardrails/resilience';
import { RotatingApiKey, RotatingDatabaseSecret, RotatingServiceToken } from '@cdk-guardrails/secrets-rotation';
import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { WorkloadGuardrailsStack } from './guardrails-stack';
import { WorkloadSecurityLogging } from './security-logging';

/** What the outputs of a workload stack say about where it is. */
export interface WorkloadOutputsProps {
  /** The environment's name (config `environment`). */
  readonly environment: string;
  /** The workload account's name (config `workloadAccounts[].name`). */
  readonly accountName: string;
}

/**
 * Stack outputs the integration suites (test-integration/) read from cfn-outputs/flat-outputs.json:
 * where the stack is, its keys, its data bucket, its trail bucket and trail scope, its log groups, its rotating secrets
 * and its backup vault and plan.
 * Only names and ARNs: never a secret value or an external id. No exports (no cross-stack coupling).
 *
 * Construct ids are looked up in the stack ('SecurityLogging', 'Secrets', 'Backup'): renaming them fails
 * here, at synth, instead of silently dropping an output.
 */
export function addWorkloadOutputs(stack: WorkloadGuardrailsStack, props: WorkloadOutputsProps): void {
  const captureOnly = stack.dataBucket === undefined;
  addLocationOutputs(stack, props.environment, captureOnly ? 'workload-capture-only' : 'workload');
  output(stack, 'WorkloadAccountName', props.accountName, 'config workloadAccounts[].name');
  addKeyOutputs(stack, { data: stack.keys.dataKey, secrets: stack.keys.secretsKey, logs: stack.keys.logsKey });

  const logging = stack.node.tryFindChild('SecurityLogging');
  if (!(logging instanceof WorkloadSecurityLogging)) {
    throw new Error(
      `addWorkloadOutputs: ${stack.stackName} has no WorkloadSecurityLogging with id "SecurityLogging"; update apps/workload-account/src/outputs.ts`,
    );
  }
  output(stack, 'SecurityLogGroupName', logging.capture.securityLogGroup.logGroupName, 'security-event (security class) log group in this account and region');
  output(stack, 'CapturesIamChanges', String(logging.capture.capturesIamChanges), 'true where IAM changes are captured (us-east-1)');
  output(stack, 'TrailScope', logging.capture.trailScope, "ALL_REGIONS (the account's multi-region trail, home region), DATA_EVENTS_ONLY or NONE");
  // Only where a trail runs: the home region (every region's management events) and the regions
  // whose restricted buckets have a data-events trail.
  if (logging.capture.auditLogGroup) {
    output(stack, 'AuditLogGroupName', logging.capture.auditLogGroup.logGroupName, 'CloudTrail (audit class) log group in this account and region');
  }
  if (logging.trailBucket) output(stack, 'TrailBucketName', logging.trailBucket.bucketName, 'bucket the trail of this region delivers its log files to');

  if (captureOnly) return;
  output(stack, 'DataBucketName', stack.dataBucket.bucketName, 'the encrypted data bucket');

  const secrets = stack.node.tryFindChild('Secrets');
  if (!secrets) {
    throw new Error(`addWorkloadOutputs: ${stack.stackName} has no construct with id "Secrets"; update apps/workload-account/src/outputs.ts`);
  }
  const list = secrets.node.children.flatMap((child) => describeSecret(child));
  // One JSON output, not one output per secret: a stack has at most 200 outputs.
  output(stack, 'RotatingSecrets', stack.toJsonString(list), 'JSON list of {kind, id, arn} of the rotating secrets (ARNs only)');

  // Only stacks with a backup plan (config backup.enabled) have the construct.
  const backupPlan = stack.node.tryFindChild('Backup');
  if (backupPlan === undefined) return;
  if (!(backupPlan instanceof EncryptedBackupPlan)) {
    throw new Error(
      `addWorkloadOutputs: ${stack.stackName} has a construct "Backup" that is not an EncryptedBackupPlan; update apps/workload-account/src/outputs.ts`,
    );
  }
  output(stack, 'BackupVaultName', backupPlan.vault.backupVaultName, 'AWS Backup vault of this account and region (encrypted with the data key)');
  output(stack, 'BackupPlanId', backupPlan.plan.backupPlanId, 'AWS Backup plan that backs up the data bucket');
}

/** Outputs every guardrail stack carries: environment, role, account and region (literal, from the stack env). */
export function addLocationOutputs(stack: Stack, environment: string, role: string): void {
  output(stack, 'GuardrailsEnvironment', environment, 'config environment');
  output(stack, 'GuardrailsRole', role, 'what this stack is: security-keys, security-logging, workload, workload-capture-only');
  output(stack, 'AccountId', stack.account, 'account of the stack');
  output(stack, 'Region', stack.region, 'region of the stack');
}

/** ARN of each key and whether this stack created it (rotation is checked on created keys; an imported key's owner rotates it). */
export function addKeyOutputs(stack: Stack, keys: { data: kms.IKey; secrets: kms.IKey; logs: kms.IKey }): void {
  for (const [purpose, key] of Object.entries(keys)) {
    const Purpose = purpose.charAt(0).toUpperCase() + purpose.slice(1);
    output(stack, `${Purpose}KeyArn`, key.keyArn, `${purpose} key`);
    output(stack, `${Purpose}KeyCreated`, String(key instanceof kms.Key), `true when this stack created the ${purpose} key, false when imported`);
  }
}

function describeSecret(child: IConstruct): Array<{ kind: string; id: string; arn: string }> {
  if (child instanceof RotatingDatabaseSecret) return [{ kind: 'database', id: child.node.id, arn: child.secretArn }];
  if (child instanceof RotatingApiKey) return [{ kind: 'apiKey', id: child.node.id, arn: child.secretArn }];
  if (child instanceof RotatingServiceToken) return [{ kind: 'serviceToken', id: child.node.id, arn: child.secretArn }];
  return [];
}

function output(stack: Stack, id: string, value: string, description: string): void {
  new CfnOutput(stack, id, { value, description });
}
