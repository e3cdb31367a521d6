import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { EncryptedBackupPlan, VaultLock } from '../lib';
import { newStack } from './helpers';

function setup() {
  const stack = newStack();
  const key = new kms.Key(stack, 'DataKey');
  return { stack, key };
}

describe('vault', () => {
  test('encrypted with the given key, retained, and deleting recovery points is denied to everyone', () => {
    // GIVEN
    const { stack, key } = setup();
    // WHEN
    new EncryptedBackupPlan(stack, 'Backup', { encryptionKey: key });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResource('AWS::Backup::BackupVault', {
      Properties: {
        EncryptionKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('DataKey'), 'Arn'] },
        AccessPolicy: {
          Statement: [
            Match.objectLike({
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: Match.arrayWith(['backup:DeleteRecoveryPoint']),
            }),
          ],
        },
      },
      DeletionPolicy: 'Retain',
    });
    template.resourcePropertiesCountIs('AWS::Backup::BackupVault', { LockConfiguration: Match.anyValue() }, 0);
  });

  test('compliance-mode vault lock: minimum, maximum and grace period', () => {
    const { stack, key } = setup();
    new EncryptedBackupPlan(stack, 'Backup', {
      encryptionKey: key,
      retention: Duration.days(35),
      vaultLock: VaultLock.compliance({ minRetention: Duration.days(30), maxRetention: Duration.days(3653), changeableFor: Duration.days(7) }),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Backup::BackupVault', {
      LockConfiguration: { MinRetentionDays: 30, MaxRetentionDays: 3653, ChangeableForDays: 7 },
    });
  });

  test('compliance mode defaults to the shortest grace period (3 days)', () => {
    const { stack, key } = setup();
    new EncryptedBackupPlan(stack, 'Backup', { encryptionKey: key, vaultLock: VaultLock.compliance({ minRetention: Duration.days(7) }) });
    Template.fromStack(stack).hasResourceProperties('AWS::Backup::BackupVault', { LockConfiguration: { MinRetentionDays: 7, ChangeableForDays: 3 } });
  });

  test('governance-mode vault lock has no grace period (it stays removable with the right permission)', () => {
    const { stack, key } = setup();
    new EncryptedBackupPlan(stack, 'Backup', { encryptionKey: key, vaultLock: VaultLock.governance({ minRetention: Duration.days(7) }) });
    Template.fromStack(stack).hasResourceProperties('AWS::Backup::BackupVault', {
      LockConfiguration: { MinRetentionDays: 7, ChangeableForDays: Match.absent() },
    });
  });

  test('removal policy is passed on', () => {
    const { stack, key } = setup();
    new EncryptedBackupPlan(stack, 'Backup', { encryptionKey: key, removalPolicy: RemovalPolicy.DESTROY });
    Template.fromStack(stack).hasResource('AWS::Backup::BackupVault', { DeletionPolicy: 'Delete' });
  });
});

describe('plan', () => {
  test('daily at 05:00 UTC, 35 days by default, into the vault', () => {
    const { stack, key } = setup();
    new EncryptedBackupPlan(stack, 'Backup', { encryptionKey: key });
    Template.fromStack(stack).hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          Match.objectLike({
            ScheduleExpression: 'cron(0 5 * * ? *)',
            Lifecycle: { DeleteAfterDays: 35 },
            TargetBackupVault: { 'Fn::GetAtt': [Match.stringLikeRegexp('BackupVault'), 'BackupVaultName'] },
          }),
        ],
      },
    });
  });

  test('retention and schedule from props; copies to a vault in another region', () => {
    const { stack, key } = setup();
    const copyTo = 'arn:aws:backup:eu-central-1:111111111111:backup-vault:guardrails-dr';
    new EncryptedBackupPlan(stack, 'Backup', {
      encryptionKey: key,
      retention: Duration.days(90),
      schedule: events.Schedule.cron({ hour: '1', minute: '30' }),
      copyToVaultArn: copyTo,
      copyRetention: Duration.days(365),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          Match.objectLike({
            ScheduleExpression: 'cron(30 1 * * ? *)',
            Lifecycle: { DeleteAfterDays: 90 },
            CopyActions: [{ DestinationBackupVaultArn: copyTo, Lifecycle: { DeleteAfterDays: 365 } }],
          }),
        ],
      },
    });
  });
});

describe('selections', () => {
  test('every resource tagged guardrails:backup=true, with a role that can back up and restore S3', () => {
    const { stack, key } = setup();
    const plan = new EncryptedBackupPlan(stack, 'Backup', { encryptionKey: key });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: {
        IamRoleArn: { 'Fn::GetAtt': [stack.resolve((plan.role.node.defaultChild as any).logicalId), 'Arn'] },
        ListOfTags: [{ ConditionKey: 'guardrails:backup', ConditionType: 'STRINGEQUALS', ConditionValue: 'true' }],
      },
    });
    const role = template.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'backup.amazonaws.com' } })] } },
    });
    const policies = JSON.stringify((Object.values(role)[0] as any).Properties.ManagedPolicyArns);
    for (const name of [
      'service-role/AWSBackupServiceRolePolicyForBackup',
      'service-role/AWSBackupServiceRolePolicyForRestores',
      ':iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup',
      ':iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore',
    ]) {
      expect(policies).toContain(name);
    }
  });

  test('explicit resources get their own selection; the tag selection can be switched off', () => {
    const { stack, key } = setup();
    const bucket = new s3.Bucket(stack, 'Data', { versioned: true });
    new EncryptedBackupPlan(stack, 'Backup', { encryptionKey: key, selectByTag: false, resources: [backup.BackupResource.fromArn(bucket.bucketArn)] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Backup::BackupSelection', 1);
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: { Resources: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('Data'), 'Arn'] }], ListOfTags: Match.absent() },
    });
  });

  test('custom tag; addResources adds a selection', () => {
    const { stack, key } = setup();
    const plan = new EncryptedBackupPlan(stack, 'Backup', { encryptionKey: key, tagKey: 'backup', tagValue: 'daily' });
    plan.addResources('Audit', [backup.BackupResource.fromArn('arn:aws:s3:::audit-bucket')]);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Backup::BackupSelection', 2);
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: { ListOfTags: [Match.objectLike({ ConditionKey: 'backup', ConditionValue: 'daily' })] },
    });
    template.hasResourceProperties('AWS::Backup::BackupSelection', { BackupSelection: { Resources: ['arn:aws:s3:::audit-bucket'] } });
  });
});

describe('validation', () => {
  test('fails if the key is missing', () => {
    const stack = newStack();
    expect(() => new EncryptedBackupPlan(stack, 'Backup', {} as any)).toThrow(
      /^TestStack\/Backup: encryptionKey: received undefined; expected a customer managed key of this region, e\.g\. the data key$/,
    );
  });
  test('fails if retention is shorter than the vault lock minimum (every job would fail)', () => {
    const { stack, key } = setup();
    expect(
      () =>
        new EncryptedBackupPlan(stack, 'Backup', {
          encryptionKey: key,
          retention: Duration.days(7),
          vaultLock: VaultLock.compliance({ minRetention: Duration.days(30) }),
        }),
    ).toThrow(
      /^TestStack\/Backup: retention: received 7 days, shorter than vaultLock\.minRetention \(30 days\); expected a retention within the vault lock's range \(every backup job would fail\)\. Raise retention or lower the lock's minimum$/,
    );
  });
  test('fails if retention is longer than the vault lock maximum', () => {
    const { stack, key } = setup();
    expect(
      () =>
        new EncryptedBackupPlan(stack, 'Backup', {
          encryptionKey: key,
          retention: Duration.days(400),
          vaultLock: VaultLock.governance({ minRetention: Duration.days(1), maxRetention: Duration.days(365) }),
        }),
    ).toThrow(
      /^TestStack\/Backup: retention: received 400 days, longer than vaultLock\.maxRetention \(365 days\); expected a retention within the vault lock's range/,
    );
  });
  test('fails if the lock minimum exceeds its maximum', () => {
    const { stack, key } = setup();
    expect(
      () =>
        new EncryptedBackupPlan(stack, 'Backup', {
          encryptionKey: key,
          vaultLock: VaultLock.governance({ minRetention: Duration.days(30), maxRetention: Duration.days(10) }),
        }),
    ).toThrow(
      /^TestStack\/Backup: vaultLock\.minRetention: received 30 days, longer than vaultLock\.maxRetention \(10 days\); expected at most vaultLock\.maxRetention$/,
    );
  });
  test('fails if the compliance grace period is shorter than 3 days', () => {
    const { stack, key } = setup();
    expect(
      () =>
        new EncryptedBackupPlan(stack, 'Backup', {
          encryptionKey: key,
          vaultLock: VaultLock.compliance({ minRetention: Duration.days(1), changeableFor: Duration.days(1) }),
        }),
    ).toThrow(/^TestStack\/Backup: vaultLock\.changeableFor: received 1 day; expected at least 3 days \(AWS Backup's grace period\)$/);
  });
  test('fails if retention is not a whole number of days within the AWS Backup limit', () => {
    const { stack, key } = setup();
    expect(() => new EncryptedBackupPlan(stack, 'Backup', { encryptionKey: key, retention: Duration.hours(36) })).toThrow(
      /^TestStack\/Backup: retention: received 1 day 12 hours; expected a whole number of days from 1 to 36500$/,
    );
    expect(() => new EncryptedBackupPlan(newStack(), 'Backup', { encryptionKey: key, retention: Duration.days(40000) })).toThrow(
      /^TestStack\/Backup: retention: received 40000 days; expected a whole number of days from 1 to 36500$/,
    );
  });
  test('fails if copyToVaultArn is not a vault ARN, or copyRetention has no copy target', () => {
    const { stack, key } = setup();
    expect(() => new EncryptedBackupPlan(stack, 'Backup', { encryptionKey: key, copyToVaultArn: 'guardrails-dr' })).toThrow(
      /^TestStack\/Backup: copyToVaultArn: received "guardrails-dr"; expected a backup vault ARN \(arn:aws:backup:<region>:<account>:backup-vault:<name>\)$/,
    );
    expect(() => new EncryptedBackupPlan(newStack(), 'Backup', { encryptionKey: key, copyRetention: Duration.days(30) })).toThrow(
      /^TestStack\/Backup: copyRetention: received 30 days without copyToVaultArn; expected copyRetention only with copyToVaultArn\. Name the vault that receives the copies in copyToVaultArn$/,
    );
  });
});
