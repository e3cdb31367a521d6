import { Duration, SecretValue } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Stack } from 'aws-cdk-lib';
import { GuardrailsChecks } from '../lib';
import { intervalHours } from '../lib/private/rotation';
import { findings, freshStack } from './helpers';

const RULE = 'SecretRotationWithinClassLimit';

function rotationFunction(stack: Stack): lambda.Function {
  return new lambda.Function(stack, 'Rotation', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
}

function databaseSecret(stack: Stack, days: number): secretsmanager.Secret {
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['eu-west-1a'], privateSubnetIds: ['subnet-1'] });
  const secret = new secretsmanager.Secret(stack, 'Db', {
    generateSecretString: { secretStringTemplate: JSON.stringify({ engine: 'postgres', username: 'app' }), generateStringKey: 'password' },
  });
  secret.addRotationSchedule('Rotation', {
    hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser({ vpc }),
    automaticallyAfter: Duration.days(days),
  });
  return secret;
}

describe('SecretRotationWithinClassLimit', () => {
  describe('Compliance', () => {
    test('database credentials with hosted rotation every 30 days', () => {
      const stack = freshStack();
      databaseSecret(stack, 30);
      expect(findings(stack, RULE)).toEqual([]);
    });

    test('a token rotated by a Lambda function every 90 days', () => {
      const stack = freshStack();
      new secretsmanager.Secret(stack, 'Token').addRotationSchedule('Rotation', {
        rotationLambda: rotationFunction(stack),
        automaticallyAfter: Duration.days(90),
      });
      expect(findings(stack, RULE)).toEqual([]);
    });

    test('limits are configurable', () => {
      const stack = freshStack();
      databaseSecret(stack, 45);
      expect(findings(stack, RULE, { maxDatabaseSecretRotation: Duration.days(60) })).toEqual([]);
    });
  });

  describe('Noncompliance', () => {
    test('a secret attached to a database (the attachment names it) rotated by a Lambda function every 80 days', () => {
      const stack = freshStack();
      const secret = new secretsmanager.Secret(stack, 'Creds', {
        generateSecretString: { secretStringTemplate: '{"username":"app"}', generateStringKey: 'password' },
      });
      new secretsmanager.CfnSecretTargetAttachment(stack, 'Attachment', { secretId: secret.secretArn, targetId: 'db-1', targetType: 'AWS::RDS::DBInstance' });
      secret.addRotationSchedule('Rotation', { rotationLambda: rotationFunction(stack), automaticallyAfter: Duration.days(80) });
      expect(findings(stack, RULE)).toEqual(['TestStack/Creds/Rotation/Resource']);
    });

    test('database credentials with hosted rotation every 31 days', () => {
      const stack = freshStack();
      databaseSecret(stack, 31);
      expect(findings(stack, RULE)).toEqual(['TestStack/Db/Rotation/Resource']);
    });

    test('a database secret (engine field) rotated by a Lambda function every 90 days is held to 30 days', () => {
      const stack = freshStack();
      const secret = new secretsmanager.Secret(stack, 'Db', {
        generateSecretString: { secretStringTemplate: JSON.stringify({ engine: 'mysql', username: 'app' }), generateStringKey: 'password' },
      });
      secret.addRotationSchedule('Rotation', { rotationLambda: rotationFunction(stack), automaticallyAfter: Duration.days(90) });
      expect(findings(stack, RULE)).toEqual(['TestStack/Db/Rotation/Resource']);
    });

    test('a token rotated every 91 days', () => {
      const stack = freshStack();
      new secretsmanager.Secret(stack, 'Token', { secretStringValue: SecretValue.unsafePlainText('x') }).addRotationSchedule('Rotation', {
        rotationLambda: rotationFunction(stack),
        automaticallyAfter: Duration.days(91),
      });
      expect(findings(stack, RULE)).toEqual(['TestStack/Token/Rotation/Resource']);
    });

    test('a cron schedule cannot be measured', () => {
      const stack = freshStack();
      new secretsmanager.CfnRotationSchedule(stack, 'Schedule', {
        secretId: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:x',
        rotationLambdaArn: 'arn:aws:lambda:eu-west-1:111111111111:function:rotate',
        rotationRules: { scheduleExpression: 'cron(0 0 1 * ? *)' },
      });
      expect(findings(stack, RULE)).toEqual(['TestStack/Schedule']);
    });
  });

  test('intervalHours reads rate() in days and hours and AutomaticallyAfterDays', () => {
    expect(intervalHours({ ScheduleExpression: 'rate(30 days)' })).toBe(720);
    expect(intervalHours({ ScheduleExpression: 'rate(4 hours)' })).toBe(4);
    expect(intervalHours({ AutomaticallyAfterDays: 2 })).toBe(48);
    expect(intervalHours({ ScheduleExpression: 'cron(0 0 1 * ? *)' })).toBeUndefined();
  });

  test.each([
    ['maxDatabaseSecretRotation', { maxDatabaseSecretRotation: Duration.hours(3) }],
    ['maxTokenSecretRotation', { maxTokenSecretRotation: Duration.minutes(30) }],
  ])('fails if %s is under 4 hours', (prop, props) => {
    const received = prop === 'maxDatabaseSecretRotation' ? '3 hours' : '30 minutes';
    expect(() => new GuardrailsChecks(undefined, props)).toThrow(
      `GuardrailsChecks: ${prop}: received ${received}; expected at least 4 hours (the shortest rotation Secrets Manager accepts)`,
    );
    expect(() => new GuardrailsChecks(undefined, { [prop]: Duration.hours(4) })).not.toThrow();
  });
});
