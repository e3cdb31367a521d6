// Every rotating secret has rotation on, on the schedule of its class in config, with the secrets key.
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describeIntegration, forEachStack, output, reportSkipped } from '../../src/context';

interface SecretOutput {
  readonly kind: 'database' | 'apiKey' | 'serviceToken';
  readonly id: string;
  readonly arn: string;
}

/** Rotation days of a secret's rules: AutomaticallyAfterDays, or the days of a rate(N days) expression. */
function rotationDays(rules: { AutomaticallyAfterDays?: number; ScheduleExpression?: string } | undefined): number | undefined {
  if (rules?.AutomaticallyAfterDays !== undefined) return rules.AutomaticallyAfterDays;
  const m = /^rate\((\d+) days?\)$/.exec(rules?.ScheduleExpression ?? '');
  return m ? Number(m[1]) : undefined;
}

describeIntegration('Secrets Manager rotation', (ctx) => {
  forEachStack(
    ctx,
    'workload stack with secrets',
    (s) => s.role === 'workload',
    (stack, target) => {
      const secrets = JSON.parse(output(stack, 'RotatingSecrets')) as SecretOutput[];
      if (secrets.length === 0) {
        reportSkipped(`config names no database, API key or service token for ${stack.stackName}`);
        return;
      }
      const sm = new SecretsManagerClient(target);
      afterAll(() => sm.destroy());

      for (const secret of secrets) {
        const days = ctx.config.secrets.rotationDays[secret.kind];
        test(`${secret.kind} ${secret.id}: rotation enabled every ${days} days, encrypted with the secrets key`, async () => {
          const described = await sm.send(new DescribeSecretCommand({ SecretId: secret.arn }));
          expect(described.RotationEnabled).toBe(true);
          expect(described.RotationLambdaARN ?? described.RotationRules).toBeDefined();
          expect(rotationDays(described.RotationRules)).toBe(days);
          // DescribeSecret returns the key as it was given: the ARN, or its key id.
          const keyArn = output(stack, 'SecretsKeyArn');
          expect([keyArn, keyArn.split('/').pop()]).toContain(described.KmsKeyId);
        });
      }
    },
  );
});
