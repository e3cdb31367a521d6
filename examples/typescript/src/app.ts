#!/usr/bin/env node
/**
 * A consumer's CDK app: the packages used the way their READMEs show, installed from the packed
 * tarballs (examples/run.mjs), not from this repository's workspace. One stack with the guardrails
 * of one account and region; the central log destination lives in the security account (its ARN
 * is all a workload account needs).
 */
import { CentralLogDestination, CentralLogShipping, LogClass, SecurityEventCapture } from '@cdk-guardrails/central-logging';
import { GuardrailsChecks } from '@cdk-guardrails/compliance-rules';
import { DetectiveControls } from '@cdk-guardrails/detective-controls';
import { LeastPrivilegeRole, PermissionsBoundary, PolicyValidator, RequirePermissionsBoundary } from '@cdk-guardrails/iam-least-privilege';
import { KeyHierarchy } from '@cdk-guardrails/kms-hierarchy';
import { EncryptedBackupPlan } from '@cdk-guardrails/resilience';
import { BucketEncryptionGuard, EncryptedBucket, EncryptionMode, GuardMode } from '@cdk-guardrails/s3-encryption';
import { RotatingApiKey } from '@cdk-guardrails/secrets-rotation';
import { App, Aspects, Duration, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';

const SECURITY_ACCOUNT = '999999999999';
const app = new App();
const stack = new Stack(app, 'GuardrailsExample', { env: { account: '111111111111', region: 'eu-west-1' } });

// kms-hierarchy: data, secrets and logs keys with rotation and restrictive key policies.
const keys = new KeyHierarchy(stack, 'Keys', { additionalDataKeyServices: ['backup'] });

// iam-least-privilege: the account's boundary on every role of the stack, and a least-privilege role.
const boundary = new PermissionsBoundary(stack, 'Boundary', {
  resourceAccountIds: [SECURITY_ACCOUNT],
  resourceAccountServices: ['logs'],
  requiredTagKeys: ['Environment'],
});
boundary.applyTo(stack);
Tags.of(app).add('Environment', 'example');
const worker = new LeastPrivilegeRole(stack, 'Worker', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

// s3-encryption: an SSE-KMS bucket pinned to the data key, and the guard on every other bucket.
const data = new EncryptedBucket(stack, 'Data', { encryption: EncryptionMode.sseKms(keys.dataKey), minimumTlsVersion: 1.2 });
data.grantRead(worker);
Aspects.of(stack).add(new BucketEncryptionGuard({ mode: GuardMode.FIX, encryption: EncryptionMode.sseKms(keys.dataKey), minimumTlsVersion: 1.2 }));

// central-logging: the trail and the security-relevant changes, shipped to the security account.
const trailBucket = new EncryptedBucket(stack, 'TrailBucket', {
  encryption: EncryptionMode.sseKms(keys.logsKey),
  sseS3DeliverySourceArns: [`arn:aws:cloudtrail:${stack.region}:${stack.account}:trail/*`],
});
// The audit and security classes go to the evidence destination (the security account's
// CentralLogDestination with evidenceSubscriberArnPatterns, named <destinationName>-evidence), which
// only the named subscribers reach: a sender flooding the first destination delays app records only.
const shipping = new CentralLogShipping(stack, 'Shipping', {
  destinationArn: CentralLogDestination.arnFor(SECURITY_ACCOUNT, stack.region, 'guardrails-central-logs'),
  evidenceDestinationArn: CentralLogDestination.arnFor(SECURITY_ACCOUNT, stack.region, 'guardrails-central-logs-evidence'),
});
new SecurityEventCapture(stack, 'Capture', { trailBucket, logsKey: keys.logsKey, shipping });
const appLogs = new logs.LogGroup(stack, 'AppLogs', { encryptionKey: keys.logsKey, retention: logs.RetentionDays.ONE_MONTH });
shipping.addLogGroup(appLogs, { logClass: LogClass.APP });

// secrets-rotation: an API key rotated every 90 days by its own function; only the deploying role
// and break-glass may change it.
const apiKey = new RotatingApiKey(stack, 'PartnerApiKey', {
  encryptionKey: keys.secretsKey,
  logEncryptionKey: keys.logsKey,
  administratorArns: [
    `arn:aws:iam::${stack.account}:role/cdk-hnb659fds-cfn-exec-role-${stack.account}-${stack.region}`,
    `arn:aws:iam::${stack.account}:role/break-glass`,
  ],
});
apiKey.grantRead(worker);

// detective-controls: AWS Config (delivered with the data key), rules, GuardDuty, Access Analyzer.
new DetectiveControls(stack, 'Detective', { configDeliveryKey: keys.dataKey });

// resilience: daily backups of the data bucket into a vault encrypted with the data key.
const plan = new EncryptedBackupPlan(stack, 'Backup', { encryptionKey: keys.dataKey, retention: Duration.days(35) });
plan.addResources('DataBucket', [backup.BackupResource.fromArn(data.bucketArn)]);

// compliance-rules and iam-least-privilege's checks: every synth is checked.
Aspects.of(app).add(new PolicyValidator());
Aspects.of(app).add(new RequirePermissionsBoundary());
Validations.of(app).addPlugins(new GuardrailsChecks(app));

app.synth();
