/** One rotating secret of each kind in a fresh stack, for the secret-policy tests. */
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DatabaseEngine, RotatingApiKey, RotatingDatabaseSecret, RotatingSecretProps, RotatingServiceToken } from '../../lib';

export type SecretKind = 'database secret' | 'hosted database secret' | 'API key' | 'service token';

/** A stack `Workload` in `account`/`region` with one secret `Guarded` of `kind` (database: PostgreSQL, our rotation; hosted: Oracle), encrypted with a key of the stack. */
export function guardedSecretStack(kind: SecretKind, account: string, region: string, props: Partial<RotatingSecretProps> = {}): Stack {
  const stack = new Stack(new App(), 'Workload', { env: { account, region } });
  const common = { encryptionKey: new kms.Key(stack, 'SecretsKey'), ...props };
  if (kind === 'database secret' || kind === 'hosted database secret') {
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const engine = kind === 'database secret' ? DatabaseEngine.POSTGRESQL : DatabaseEngine.ORACLE;
    new RotatingDatabaseSecret(stack, 'Guarded', { ...common, engine, host: 'db.internal', username: 'app', vpc });
  } else if (kind === 'API key') {
    new RotatingApiKey(stack, 'Guarded', common);
  } else {
    new RotatingServiceToken(stack, 'Guarded', common);
  }
  return stack;
}
