import { loadConfig, parseConfig } from '../src';
import { CONFIG_DIR, problemsOf, validConfig } from './support/configs';

describe('accountBaseline', () => {
  test('defaults: every item on', () => {
    expect(parseConfig(validConfig(), 'dev').accountBaseline).toEqual({ s3BlockPublicAccess: true, ebsEncryptionByDefault: true, blockSseCObjectWrites: true });
  });

  test('the shipped configs turn every item on', () => {
    for (const env of ['dev', 'staging', 'prod']) {
      expect(loadConfig(env, { configDir: CONFIG_DIR }).accountBaseline).toEqual({
        s3BlockPublicAccess: true,
        ebsEncryptionByDefault: true,
        blockSseCObjectWrites: true,
      });
    }
  });

  test('each item can be switched off alone', () => {
    const raw = validConfig();
    raw.accountBaseline = { ebsEncryptionByDefault: false };
    expect(parseConfig(raw, 'dev').accountBaseline).toEqual({ s3BlockPublicAccess: true, ebsEncryptionByDefault: false, blockSseCObjectWrites: true });
  });

  test('fails on an unknown item or a non-boolean', () => {
    const raw = validConfig();
    raw.accountBaseline = { s3BlockPublicAccess: 'yes', imdsV2: true };
    const problems = problemsOf(raw);
    expect(problems).toMatch(/accountBaseline\.s3BlockPublicAccess/);
    expect(problems).toMatch(/imdsV2/);
  });
});
