import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { KeyHierarchy, KeySource } from '@cdk-guardrails/kms-hierarchy';
import { findings, freshStack } from './helpers';

const RULE = 'KmsKeyPolicyAdminOnly';

describe('KmsKeyPolicyAdminOnly', () => {
  describe('Compliance', () => {
    test('the CDK default key policy: kms:* for the account root only', () => {
      const stack = freshStack();
      new kms.Key(stack, 'Key');
      expect(findings(stack, RULE)).toEqual([]);
    });

    test('the kms-hierarchy keys', () => {
      const stack = freshStack();
      new KeyHierarchy(stack, 'Keys', { dataKey: KeySource.create(), secretsKey: KeySource.create(), logsKey: KeySource.create() });
      expect(findings(stack, RULE)).toEqual([]);
    });

    test('key-administration actions named for the account root, and crypto actions through a wildcard for a role', () => {
      const stack = freshStack();
      const key = new kms.Key(stack, 'Key');
      key.addToResourcePolicy(
        new iam.PolicyStatement({ principals: [new iam.AccountRootPrincipal()], actions: ['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion'], resources: ['*'] }),
      );
      key.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ArnPrincipal('arn:aws:iam::222222222222:role/reader')],
          actions: ['kms:GenerateDataKey*', 'kms:ReEncrypt*'],
          resources: ['*'],
        }),
      );
      expect(findings(stack, RULE)).toEqual([]);
    });

    test('a role with specific actions', () => {
      const stack = freshStack();
      const key = new kms.Key(stack, 'Key');
      key.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ArnPrincipal('arn:aws:iam::222222222222:role/reader')],
          actions: ['kms:Decrypt'],
          resources: ['*'],
        }),
      );
      expect(findings(stack, RULE)).toEqual([]);
    });
  });

  describe('Noncompliance', () => {
    test('kms:* for a role', () => {
      const stack = freshStack();
      const key = new kms.Key(stack, 'Key');
      key.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ArnPrincipal('arn:aws:iam::111111111111:role/admin')],
          actions: ['kms:*'],
          resources: ['*'],
        }),
      );
      expect(findings(stack, RULE)).toEqual(['TestStack/Key/Resource']);
    });

    test('kms:* for another account root', () => {
      const stack = freshStack();
      const key = new kms.Key(stack, 'Key');
      key.addToResourcePolicy(new iam.PolicyStatement({ principals: [new iam.AccountPrincipal('222222222222')], actions: ['kms:*'], resources: ['*'] }));
      expect(findings(stack, RULE)).toEqual(['TestStack/Key/Resource']);
    });

    test('* for a service principal', () => {
      const stack = freshStack();
      const key = new kms.Key(stack, 'Key');
      key.addToResourcePolicy(new iam.PolicyStatement({ principals: [new iam.ServicePrincipal('logs.amazonaws.com')], actions: ['*'], resources: ['*'] }));
      expect(findings(stack, RULE)).toEqual(['TestStack/Key/Resource']);
    });

    test.each([['kms:PutKeyPolicy'], ['kms:ScheduleKeyDeletion'], ['kms:DisableKey'], ['kms:ReplicateKey'], ['kms:Put*'], ['KMS:putkeypolicy']])(
      '%s for a role of the account (not the root)',
      (action) => {
        const stack = freshStack();
        new kms.CfnKey(stack, 'Key', {
          keyPolicy: {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'kms:*', Resource: '*' },
              { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:role/ops' }, Action: action, Resource: '*' },
            ],
          },
        });
        expect(findings(stack, RULE)).toEqual(['TestStack/Key']);
      },
    );

    test('a NotAction allow for everyone', () => {
      const stack = freshStack();
      const key = new kms.Key(stack, 'Key');
      key.addToResourcePolicy(new iam.PolicyStatement({ principals: [new iam.AnyPrincipal()], notActions: ['kms:ScheduleKeyDeletion'], resources: ['*'] }));
      expect(findings(stack, RULE)).toEqual(['TestStack/Key/Resource']);
    });
  });
});
