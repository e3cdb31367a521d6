/**
 * red15: the public API of @cdk-guardrails/resilience used by a library user who makes mistakes, or
 * by an attacker who controls a prop value (read from a config file).
 *
 * `test.failing` = a finding: the test encodes the secure expectation and fails today.
 * `checked and closed` = the refusal exists and is pinned here.
 */
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { EncryptedBackupPlan, VaultLock } from '../lib';
import { ACCOUNT, OTHER_ACCOUNT, REGION, newStack } from './helpers';

const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';

describe('red15 findings: resilience', () => {
  // R15-16: EncryptedBackupPlan.encryptionKey is documented as "a customer managed key of this
  // region", and the only check is that it is defined. The AWS managed key (alias/aws/backup, whose
  // policy nobody controls and which cannot be shared for cross-account restores), a key of another
  // account (whose owner can disable it: every recovery point becomes unrestorable) or of another
  // region are synthesized as the vault key.
  test('R15-16a fails if encryptionKey is the AWS managed key alias/aws/backup', () => {
    const stack = newStack();
    const managed = kms.Alias.fromAliasName(stack, 'Managed', 'alias/aws/backup');
    expect(() => new EncryptedBackupPlan(stack, 'Backup', { encryptionKey: managed })).toThrow(/encryptionKey/);
  });

  test('R15-16a (fixed): the error names the AWS managed key', () => {
    const stack = newStack();
    const managed = kms.Alias.fromAliasName(stack, 'Managed', 'alias/aws/backup');
    expect(() => new EncryptedBackupPlan(stack, 'Backup', { encryptionKey: managed })).toThrow(
      /\/Backup: encryptionKey: received the AWS managed key 'alias\/aws\/backup'; expected a customer managed KMS key, not an alias/,
    );
  });

  test('R15-16b fails if encryptionKey is a key of another account', () => {
    const stack = newStack();
    const foreign = kms.Key.fromKeyArn(stack, 'Foreign', `arn:aws:kms:${REGION}:${OTHER_ACCOUNT}:key/${KEY_ID}`);
    expect(() => new EncryptedBackupPlan(stack, 'Backup', { encryptionKey: foreign })).toThrow(/encryptionKey/);
  });

  test('R15-16c fails if encryptionKey is a key of another region', () => {
    const stack = newStack();
    const foreign = kms.Key.fromKeyArn(stack, 'Foreign', `arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_ID}`);
    expect(() => new EncryptedBackupPlan(stack, 'Backup', { encryptionKey: foreign })).toThrow(/encryptionKey/);
  });

  // R15-17: copyToVaultArn is documented as "a vault in another region ... restores survive the
  // loss of this region"; a vault ARN of the stack's own region is accepted, and the copy then
  // survives nothing of the kind.
  test('R15-17 control: a vault of another region, or of another account in the same region, receives the copies; the error names the vault', () => {
    const stack = newStack();
    for (const [id, arn] of [
      ['A', `arn:aws:backup:eu-central-1:${ACCOUNT}:backup-vault:copies`],
      ['B', `arn:aws:backup:${REGION}:${OTHER_ACCOUNT}:backup-vault:copies`],
    ]) {
      expect(() => new EncryptedBackupPlan(stack, id, { encryptionKey: new kms.Key(stack, `${id}Key`), copyToVaultArn: arn })).not.toThrow();
    }
    expect(
      () =>
        new EncryptedBackupPlan(newStack(), 'Backup', {
          encryptionKey: new kms.Key(stack, 'Key'),
          copyToVaultArn: `arn:aws:backup:${REGION}:${ACCOUNT}:backup-vault:copies`,
        }),
    ).toThrow(
      new RegExp(
        `copyToVaultArn: received "arn:aws:backup:${REGION}:${ACCOUNT}:backup-vault:copies", a vault of the plan's own account ${ACCOUNT} and region ${REGION}; expected a vault in another region`,
      ),
    );
  });

  test("R15-17 fails if copyToVaultArn is a vault of the stack's own region", () => {
    const stack = newStack();
    expect(
      () =>
        new EncryptedBackupPlan(stack, 'Backup', {
          encryptionKey: new kms.Key(stack, 'Key'),
          copyToVaultArn: `arn:aws:backup:${REGION}:${ACCOUNT}:backup-vault:copies`,
        }),
    ).toThrow(/copyToVaultArn/);
  });

  describe('checked and closed', () => {
    test('fails if encryptionKey is missing', () => {
      expect(() => new EncryptedBackupPlan(newStack(), 'Backup', {} as any)).toThrow(/encryptionKey: received undefined/);
    });

    test('fails if retention is zero, negative-like, fractional or above 36,500 days', () => {
      for (const retention of [Duration.days(0), Duration.hours(36), Duration.days(36501)]) {
        const stack = newStack();
        expect(() => new EncryptedBackupPlan(stack, 'Backup', { encryptionKey: new kms.Key(stack, 'Key'), retention })).toThrow(/retention/);
      }
    });

    test('fails if retention is outside the vault lock, or the compliance grace period is under 3 days', () => {
      const stack = newStack();
      expect(
        () =>
          new EncryptedBackupPlan(stack, 'A', {
            encryptionKey: new kms.Key(stack, 'K1'),
            retention: Duration.days(7),
            vaultLock: VaultLock.compliance({ minRetention: Duration.days(30) }),
          }),
      ).toThrow(/retention: received 7 days, shorter than vaultLock.minRetention/);
      expect(
        () =>
          new EncryptedBackupPlan(stack, 'B', {
            encryptionKey: new kms.Key(stack, 'K2'),
            vaultLock: VaultLock.compliance({ minRetention: Duration.days(1), changeableFor: Duration.days(1) }),
          }),
      ).toThrow(/vaultLock.changeableFor/);
    });

    test('fails if copyToVaultArn is not a vault ARN', () => {
      const stack = newStack();
      expect(() => new EncryptedBackupPlan(stack, 'Backup', { encryptionKey: new kms.Key(stack, 'Key'), copyToVaultArn: '*' })).toThrow(/copyToVaultArn/);
    });

    test('the vault is retained and denies deleting recovery points by default', () => {
      const stack = newStack();
      new EncryptedBackupPlan(stack, 'Backup', { encryptionKey: new kms.Key(stack, 'Key') });
      const vault = Object.values(Template.fromStack(stack).findResources('AWS::Backup::BackupVault'))[0] as any;
      expect(vault.DeletionPolicy).toBe('Retain');
      expect(JSON.stringify(vault.Properties.AccessPolicy)).toContain('backup:DeleteRecoveryPoint');
    });
  });
});
