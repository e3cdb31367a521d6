/**
 * red15: the public API of @cdk-guardrails/secrets-rotation used by a library user who makes
 * mistakes, or by an attacker who controls a prop value (read from a config file).
 *
 * `test.failing` = a finding: the test encodes the secure expectation and fails today.
 * `checked and closed` = the refusal exists and is pinned here.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DatabaseEngine, RotatingApiKey, RotatingDatabaseSecret, RotatingServiceToken } from '../lib';

const ACCOUNT = '111111111111';
const OTHER_ACCOUNT = '222222222222';
const REGION = 'eu-west-1';
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';

function newStack(): Stack {
  return new Stack(new App(), 'Workload', { env: { account: ACCOUNT, region: REGION } });
}

function dbSecret(stack: Stack, rotationInterval?: Duration): RotatingDatabaseSecret {
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  return new RotatingDatabaseSecret(stack, 'Orders', {
    encryptionKey: new kms.Key(stack, 'SecretsKey'),
    engine: DatabaseEngine.POSTGRESQL,
    host: 'orders.cluster-abc.eu-west-1.rds.amazonaws.com',
    username: 'orders_app',
    vpc,
    database: new ec2.SecurityGroup(stack, 'Db', { vpc }),
    rotationInterval,
  });
}

describe('red15 findings: secrets-rotation', () => {
  // R15-13: allowedCrossAccountRoleArns admits a role name that is only a wildcard
  // ('arn:aws:iam::222222222222:role/*'): every role of that account, including any role an admin
  // there creates, may read the secret and decrypt it through Secrets Manager. STYLE.md: an
  // exemption never rests on "a role-name pattern a bounded admin can create". central-logging's
  // evidenceSubscriberArnPatterns already requires a literal first character of the name.
  test("R15-13 fails if allowedCrossAccountRoleArns names every role of an account ('role/*')", () => {
    const stack = newStack();
    expect(
      () =>
        new RotatingApiKey(stack, 'Key', {
          encryptionKey: new kms.Key(stack, 'SecretsKey'),
          allowedCrossAccountRoleArns: [`arn:aws:iam::${OTHER_ACCOUNT}:role/*`],
        }),
    ).toThrow(/allowedCrossAccountRoleArns\[0\]/);
  });

  test('R15-13 control: a named role or a name pattern with a literal start is accepted; the error names the entry and the account', () => {
    const stack = newStack();
    new RotatingApiKey(stack, 'Key', {
      encryptionKey: new kms.Key(stack, 'SecretsKey'),
      allowedCrossAccountRoleArns: [`arn:aws:iam::${OTHER_ACCOUNT}:role/auditor`, `arn:aws:iam::${OTHER_ACCOUNT}:role/auditors-*`],
    });
    Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::ResourcePolicy', {
      ResourcePolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowReadByAllowedCrossAccountRoles',
            Condition: { ArnLike: { 'aws:PrincipalArn': [`arn:aws:iam::${OTHER_ACCOUNT}:role/auditor`, `arn:aws:iam::${OTHER_ACCOUNT}:role/auditors-*`] } },
          }),
        ]),
      },
    });
    const other = newStack();
    expect(
      () =>
        new RotatingApiKey(other, 'Key', {
          encryptionKey: new kms.Key(other, 'SecretsKey'),
          allowedCrossAccountRoleArns: [`arn:aws:iam::${OTHER_ACCOUNT}:role/?uditor`],
        }),
    ).toThrow(
      new RegExp(
        `allowedCrossAccountRoleArns\\[0\\]: received 'arn:aws:iam::${OTHER_ACCOUNT}:role/\\?uditor', whose role name starts with a wildcard \\(any role of account ${OTHER_ACCOUNT}`,
      ),
    );
  });

  // R15-14: encryptionKey is checked against AWS managed keys only. A key of another account (its
  // owner decides who decrypts, and can disable it: the secret becomes unreadable) or of another
  // region (Secrets Manager needs a key of its region: the deploy fails) is accepted although the
  // ARN is literal and the stack's environment concrete.
  test('R15-14a fails if encryptionKey is a key of another account', () => {
    const stack = newStack();
    const foreign = kms.Key.fromKeyArn(stack, 'Foreign', `arn:aws:kms:${REGION}:${OTHER_ACCOUNT}:key/${KEY_ID}`);
    expect(() => new RotatingServiceToken(stack, 'Token', { encryptionKey: foreign })).toThrow(/encryptionKey/);
  });

  test('R15-14b fails if encryptionKey is a key of another region', () => {
    const stack = newStack();
    const foreign = kms.Key.fromKeyArn(stack, 'Foreign', `arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_ID}`);
    expect(() => new RotatingServiceToken(stack, 'Token', { encryptionKey: foreign })).toThrow(/encryptionKey/);
  });

  // R15-15: without maxRotationInterval only the Secrets Manager limits apply: a database secret
  // rotating every 365 days (the project's policy: 30 days) or an API key every 1,000 days (policy:
  // 90) is synthesized without an error or a warning. The construct knows the secret's class
  // (RotationLimits.MAX_DATABASE_DAYS / MAX_API_KEY_DAYS are exported next to it).
  test.failing('R15-15a a database secret rotating every 365 days is refused or warned about', () => {
    const stack = newStack();
    let threw = false;
    try {
      dbSecret(stack, Duration.days(365));
    } catch {
      threw = true;
    }
    if (threw) return;
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('rotationInterval'));
  });

  test.failing('R15-15b an API key rotating every 1,000 days is refused or warned about', () => {
    const stack = newStack();
    let threw = false;
    try {
      new RotatingApiKey(stack, 'Key', { encryptionKey: new kms.Key(stack, 'SecretsKey'), rotationInterval: Duration.days(1000) });
    } catch {
      threw = true;
    }
    if (threw) return;
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('rotationInterval'));
  });

  describe('checked and closed', () => {
    test('fails if rotation would be switched off (zero interval) or is outside the Secrets Manager limits', () => {
      for (const interval of [Duration.days(0), Duration.hours(3), Duration.days(1001), Duration.minutes(270)]) {
        const stack = newStack();
        expect(() => new RotatingApiKey(stack, 'Key', { encryptionKey: new kms.Key(stack, 'SecretsKey'), rotationInterval: interval })).toThrow(
          /rotationInterval/,
        );
      }
    });

    test('fails if rotationInterval exceeds maxRotationInterval', () => {
      const stack = newStack();
      expect(
        () =>
          new RotatingApiKey(stack, 'Key', {
            encryptionKey: new kms.Key(stack, 'SecretsKey'),
            rotationInterval: Duration.days(120),
            maxRotationInterval: Duration.days(90),
          }),
      ).toThrow(/maxRotationInterval/);
    });

    test('fails if encryptionKey is the AWS managed key', () => {
      const stack = newStack();
      const managed = kms.Alias.fromAliasName(stack, 'Managed', 'alias/aws/secretsmanager');
      expect(() => new RotatingApiKey(stack, 'Key', { encryptionKey: managed })).toThrow(/encryptionKey: received the AWS managed key/);
    });

    test('fails if administratorArns is empty, a wildcard, or of another account', () => {
      for (const administratorArns of [[], [`arn:aws:iam::${ACCOUNT}:role/*`], [`arn:aws:iam::${OTHER_ACCOUNT}:role/admin`]]) {
        const stack = newStack();
        expect(() => new RotatingApiKey(stack, 'Key', { encryptionKey: new kms.Key(stack, 'SecretsKey'), administratorArns })).toThrow(/administratorArns/);
      }
    });

    test('fails if allowedCrossAccountRoleArns has a wildcard account', () => {
      const stack = newStack();
      expect(
        () =>
          new RotatingApiKey(stack, 'Key', { encryptionKey: new kms.Key(stack, 'SecretsKey'), allowedCrossAccountRoleArns: ['arn:aws:iam::*:role/reader'] }),
      ).toThrow(/allowedCrossAccountRoleArns\[0\]/);
    });

    test('defaults: database 30 days, API key 90 days, secret retained, public policy blocked', () => {
      const stack = newStack();
      dbSecret(stack);
      new RotatingApiKey(stack, 'Key', { encryptionKey: new kms.Key(stack, 'ApiKeyKey') });
      const template = Template.fromStack(stack);
      const schedules = Object.values(template.findResources('AWS::SecretsManager::RotationSchedule')).map((s: any) =>
        JSON.stringify(s.Properties.RotationRules),
      );
      expect(schedules.sort()).toEqual(['{"ScheduleExpression":"rate(30 days)"}', '{"ScheduleExpression":"rate(90 days)"}'].sort());
      for (const secret of Object.values(template.findResources('AWS::SecretsManager::Secret')) as any[]) expect(secret.DeletionPolicy).toBe('Retain');
      for (const policy of Object.values(template.findResources('AWS::SecretsManager::ResourcePolicy')) as any[]) {
        expect(policy.Properties.BlockPublicPolicy).toBe(true);
      }
    });
  });
});
