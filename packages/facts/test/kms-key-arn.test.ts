import { KmsKeyArn } from '../lib';

const UUID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const MRK = `mrk-${'0123456789abcdef'.repeat(2)}`;

describe('KmsKeyArn', () => {
  const keyArns: [string, string, string, string, string][] = [
    // arn, partition, region, account, key id
    [`arn:aws:kms:eu-west-1:111122223333:key/${UUID}`, 'aws', 'eu-west-1', '111122223333', UUID],
    [`arn:aws:kms:ap-southeast-5:111122223333:key/${MRK}`, 'aws', 'ap-southeast-5', '111122223333', MRK],
    [`arn:aws-cn:kms:cn-north-1:111122223333:key/${UUID}`, 'aws-cn', 'cn-north-1', '111122223333', UUID],
    [`arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/${UUID}`, 'aws-us-gov', 'us-gov-west-1', '111122223333', UUID],
  ];
  test.each(keyArns)('a key ARN: %s', (arn, partition, region, account, keyId) => {
    expect(KmsKeyArn.isKeyArn(arn)).toBe(true);
    expect(KmsKeyArn.isAliasArn(arn)).toBe(false);
    expect(KmsKeyArn.parse(arn)).toEqual({ partition, region, account, keyId });
    expect(KmsKeyArn.accountOf(arn)).toBe(account);
    expect(KmsKeyArn.regionOf(arn)).toBe(region);
  });

  const aliasArns: [string, string][] = [
    ['arn:aws:kms:eu-west-1:111122223333:alias/guardrails/data', 'alias/guardrails/data'],
    ['arn:aws-us-gov:kms:us-gov-east-1:111122223333:alias/replica_key-1', 'alias/replica_key-1'],
  ];
  test.each(aliasArns)('an alias ARN, not a key ARN: %s', (arn, aliasName) => {
    expect(KmsKeyArn.isKeyArn(arn)).toBe(false);
    expect(KmsKeyArn.isAliasArn(arn)).toBe(true);
    expect(KmsKeyArn.parse(arn)).toEqual({ partition: arn.split(':')[1], region: arn.split(':')[3], account: '111122223333', aliasName });
  });

  const invalid: [string, string][] = [
    ['a bare key id', UUID],
    ['an alias name without ARN', 'alias/guardrails/data'],
    ['an unknown partition', `arn:aws-iso:kms:us-iso-east-1:111122223333:key/${UUID}`],
    ['a partition that only starts with aws', `arn:awsx:kms:eu-west-1:111122223333:key/${UUID}`],
    ['another service', `arn:aws:s3:eu-west-1:111122223333:key/${UUID}`],
    ['no region', `arn:aws:kms::111122223333:key/${UUID}`],
    ['a wildcard region', `arn:aws:kms:*:111122223333:key/${UUID}`],
    ['an 11-digit account', `arn:aws:kms:eu-west-1:11112222333:key/${UUID}`],
    ['a wildcard key', 'arn:aws:kms:eu-west-1:111122223333:key/*'],
    ['a key id that is not a UUID', 'arn:aws:kms:eu-west-1:111122223333:key/abc'],
    ['an upper-case key id', `arn:aws:kms:eu-west-1:111122223333:key/${UUID.toUpperCase()}`],
    ['a multi-Region id too short', `arn:aws:kms:eu-west-1:111122223333:key/mrk-${'a'.repeat(31)}`],
    ['trailing text', `arn:aws:kms:eu-west-1:111122223333:key/${UUID}/x`],
    ['an alias with a wildcard', 'arn:aws:kms:eu-west-1:111122223333:alias/*'],
    ['an empty alias', 'arn:aws:kms:eu-west-1:111122223333:alias/'],
  ];
  test.each(invalid)('refuses %s', (_name, value) => {
    expect(KmsKeyArn.isKeyArn(value)).toBe(false);
    expect(KmsKeyArn.isAliasArn(value)).toBe(false);
    expect(() => KmsKeyArn.parse(value)).toThrow(
      `KmsKeyArn.parse: arn: received ${JSON.stringify(value)}; expected a KMS key ARN, arn:<partition>:kms:<region>:<account-id>:key/<key-id>`,
    );
  });

  test('the patterns are anchored regular expression sources', () => {
    expect(new RegExp(KmsKeyArn.KEY_ARN_PATTERN).test(`prefix arn:aws:kms:eu-west-1:111122223333:key/${UUID}`)).toBe(false);
    expect(KmsKeyArn.PARTITIONS).toEqual(['aws', 'aws-cn', 'aws-us-gov']);
  });
});
