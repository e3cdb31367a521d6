/**
 * red15: the public API of @cdk-guardrails/compliance-rules (the GuardrailsChecks pack and its
 * rules) fed templates that break a guarantee the rules are there to catch.
 *
 * `test.failing` = a finding: the test encodes the secure expectation and fails today.
 * `checked and closed` = the refusal exists and is pinned here.
 */
import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { GuardrailsChecks } from '../lib';
import { findings, freshStack } from './helpers';

describe('red15 findings: compliance-rules', () => {
  // R15-25: KmsKeyPolicyAdminOnly recognises full access only as the literal '*' or 'kms:*' (or a
  // NotAction). 'kms:?*' matches every KMS action just the same, and 'kms:Put*' / an explicit
  // 'kms:PutKeyPolicy' let the principal re-write the key policy: granted to everyone, they pass.
  test("R15-25a KmsKeyPolicyAdminOnly flags 'kms:?*' (every KMS action) for everyone", () => {
    const stack = freshStack();
    // aws-cdk-lib's PolicyStatement refuses 'kms:?*' ("ActionInvalid"); IAM accepts it, and an L1
    // key policy (or an override, or an included template) carries it unchecked.
    new kms.CfnKey(stack, 'Key', {
      keyPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:?*', Resource: '*' }] },
    });
    expect(findings(stack, 'KmsKeyPolicyAdminOnly')).toEqual(['TestStack/Key']);
  });

  test("R15-25b KmsKeyPolicyAdminOnly flags 'kms:PutKeyPolicy' for another account (it can re-write the key policy)", () => {
    const stack = freshStack();
    const key = new kms.Key(stack, 'Key');
    key.addToResourcePolicy(
      new iam.PolicyStatement({ principals: [new iam.AccountPrincipal('222222222222')], actions: ['kms:PutKeyPolicy'], resources: ['*'] }),
    );
    expect(findings(stack, 'KmsKeyPolicyAdminOnly')).toEqual(['TestStack/Key/Resource']);
  });

  // R15-26: SecretRotationWithinClassLimit tells a database secret from a token only by the
  // `engine` field of its generated template or a hosted rotation. An RDS instance's own secret
  // rotated with aws-cdk-lib's addRotationSingleUser (a Serverless Application Repository
  // function) has neither, so it is judged against the 90-day token limit: 80 days passes where
  // the database class allows 30.
  test('R15-26 SecretRotationWithinClassLimit judges an RDS instance secret rotated every 80 days as a database secret', () => {
    const stack = freshStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const db = new rds.DatabaseInstance(stack, 'Db', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    });
    db.addRotationSingleUser({ automaticallyAfter: Duration.days(80) });
    expect(findings(stack, 'SecretRotationWithinClassLimit').length).toBeGreaterThan(0);
  });

  describe('checked and closed', () => {
    test("KmsKeyPolicyAdminOnly flags 'kms:*' for another account, and '*' for everyone", () => {
      const stack = freshStack();
      new kms.Key(stack, 'A').addToResourcePolicy(
        new iam.PolicyStatement({ principals: [new iam.AccountPrincipal('222222222222')], actions: ['kms:*'], resources: ['*'] }),
      );
      // Action '*' to everyone: the attack input the rule must flag (never a policy to copy).
      new kms.Key(stack, 'B').addToResourcePolicy(new iam.PolicyStatement({ principals: [new iam.AnyPrincipal()], actions: ['*'], resources: ['*'] }));
      expect(findings(stack, 'KmsKeyPolicyAdminOnly').sort()).toEqual(['TestStack/A/Resource', 'TestStack/B/Resource']);
    });

    test('SecretRotationWithinClassLimit flags a token rotated every 120 days', () => {
      const stack = freshStack();
      const fn = new lambda.Function(stack, 'Rotate', {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => {}'),
      });
      new secretsmanager.Secret(stack, 'Token').addRotationSchedule('Rotation', { rotationLambda: fn, automaticallyAfter: Duration.days(120) });
      expect(findings(stack, 'SecretRotationWithinClassLimit')).toEqual(['TestStack/Token/Rotation/Resource']);
    });

    test('GuardrailsChecks refuses a retention that is not a positive whole number of days and a rotation limit under 4 hours', () => {
      expect(() => new GuardrailsChecks(undefined, { logClasses: [{ className: 'app', logGroupNamePattern: 'app', retentionDays: 0 }] })).toThrow(
        /retentionDays/,
      );
      expect(() => new GuardrailsChecks(undefined, { maxDatabaseSecretRotation: Duration.hours(1) })).toThrow(/maxDatabaseSecretRotation/);
    });
  });
});
