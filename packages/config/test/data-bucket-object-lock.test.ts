import { join } from 'node:path';
import { ConfigError, loadConfig, parseConfig } from '../src';

const CONFIG_DIR = join(__dirname, '..', '..', '..', 'config');

function withS3(s3: unknown): any {
  return {
    environment: 'dev',
    securityAccount: { accountId: '111111111111', regions: ['eu-west-1', 'us-east-1'] },
    principals: { pipelineRoleArns: ['arn:aws:iam::111111111111:role/pipeline'] },
    workloadAccounts: [{ name: 'payments', accountId: '222222222222', regions: ['eu-west-1'] }],
    s3,
    removalPolicy: 'destroy',
  };
}

describe('s3.dataBucketObjectLock', () => {
  test('off unless set, in both encryption modes; on in the shipped prod config only', () => {
    expect(parseConfig(withS3({ encryption: 'SSE_S3' }), 'dev').s3.dataBucketObjectLock).toBe(false);
    expect(parseConfig(withS3({ encryption: 'SSE_KMS', kmsKey: { source: 'create' }, dataBucketObjectLock: true }), 'dev').s3.dataBucketObjectLock).toBe(true);
    expect(['dev', 'staging', 'prod'].map((env) => loadConfig(env, { configDir: CONFIG_DIR }).s3.dataBucketObjectLock)).toEqual([false, false, true]);
  });

  test('a value that is not a boolean names the field and what is allowed', () => {
    let message = '';
    try {
      parseConfig(withS3({ encryption: 'SSE_S3', dataBucketObjectLock: 'yes' }), 'dev');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    expect(message).toMatch(/s3\.dataBucketObjectLock/);
    expect(message).toMatch(/expected true or false/);
  });
});
