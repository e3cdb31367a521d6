import { loadConfig, parseConfig } from '../src';
import { CONFIG_DIR, problemsOf, validConfig } from './support/configs';

function withS3(s3: unknown): any {
  return { ...validConfig(), s3 };
}

describe('s3.dataBucketObjectLock', () => {
  test('off unless set, in both encryption modes; on in the shipped prod config only', () => {
    expect(parseConfig(withS3({ encryption: 'SSE_S3' }), 'dev').s3.dataBucketObjectLock).toBe(false);
    expect(parseConfig(withS3({ encryption: 'SSE_KMS', kmsKey: { source: 'create' }, dataBucketObjectLock: true }), 'dev').s3.dataBucketObjectLock).toBe(true);
    expect(['dev', 'staging', 'prod'].map((env) => loadConfig(env, { configDir: CONFIG_DIR }).s3.dataBucketObjectLock)).toEqual([false, false, true]);
  });

  test('a value that is not a boolean names the field and what is allowed', () => {
    const message = problemsOf(withS3({ encryption: 'SSE_S3', dataBucketObjectLock: 'yes' }));
    expect(message).toMatch(/s3\.dataBucketObjectLock/);
    expect(message).toMatch(/expected true or false/);
  });
});
