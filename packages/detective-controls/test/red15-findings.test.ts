/**
 * red15: the public API of @cdk-guardrails/detective-controls used by a library user who makes
 * mistakes, or by an attacker who controls a prop value (read from a config file).
 *
 * `test.failing` = a finding: the test encodes the secure expectation and fails today.
 * `checked and closed` = the refusal exists and is pinned here.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DetectiveControls } from '../lib';

const ACCOUNT = '111111111111';
const OTHER_ACCOUNT = '222222222222';
const REGION = 'eu-west-1';
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';

function newStack(): Stack {
  return new Stack(new App(), 'S', { env: { account: ACCOUNT, region: REGION } });
}

describe('red15 findings: detective-controls', () => {
  // R15-18: the default lifecycle keeps the configuration history (audit evidence) 3,653 days, but
  // configBucketLifecycleRules replaces it with anything: a rule that expires every object after a
  // day is accepted without an error or a warning. (test/config-bucket.test.ts accepts 400 days on
  // purpose: the override is by design; the finding is that nothing bounds it by the audit class.)
  test.failing('R15-18 fails (or warns) if configBucketLifecycleRules expires configuration history before the audit class (10 years)', () => {
    const stack = newStack();
    let threw = false;
    try {
      new DetectiveControls(stack, 'Controls', { configBucketLifecycleRules: [{ id: 'Gone', expiration: Duration.days(1) }] });
    } catch {
      threw = true;
    }
    if (threw) return;
    const warnings = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:warning'));
    expect(warnings.map((w) => String(w.data)).join('\n')).toMatch(/configBucketLifecycleRules/);
  });

  test('R15-18 (what is synthesized today): the Config bucket expires objects after 1 day', () => {
    const stack = newStack();
    new DetectiveControls(stack, 'Controls', { configBucketLifecycleRules: [{ id: 'Gone', expiration: Duration.days(1) }] });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [{ Id: 'Gone', ExpirationInDays: 1, Status: 'Enabled' }] },
    });
  });

  // R15-19: configDeliveryKey is used as given: a key of another account (its owner decides who can
  // read the configuration history and can disable it: deliveries fail) or of another region (AWS
  // Config's delivery fails) is accepted although the ARN is literal and the stack's env concrete.
  test('R15-19a fails if configDeliveryKey is a key of another account', () => {
    const stack = newStack();
    const foreign = kms.Key.fromKeyArn(stack, 'Foreign', `arn:aws:kms:${REGION}:${OTHER_ACCOUNT}:key/${KEY_ID}`);
    expect(() => new DetectiveControls(stack, 'Controls', { configDeliveryKey: foreign })).toThrow(/configDeliveryKey/);
  });

  test('R15-19b fails if configDeliveryKey is a key of another region', () => {
    const stack = newStack();
    const foreign = kms.Key.fromKeyArn(stack, 'Foreign', `arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_ID}`);
    expect(() => new DetectiveControls(stack, 'Controls', { configDeliveryKey: foreign })).toThrow(/configDeliveryKey/);
  });

  // R15-20: maxSecretRotationInterval accepts up to 1,000 days: the SECRETSMANAGER_ROTATION_ENABLED_CHECK
  // rule then reports a secret rotated every 1,000 days as compliant, where the project's policy is
  // 30 days (databases) and 90 days (API keys, tokens).
  test.failing('R15-20 fails (or warns) if maxSecretRotationInterval is above the 90-day token ceiling', () => {
    const stack = newStack();
    let threw = false;
    try {
      new DetectiveControls(stack, 'Controls', { maxSecretRotationInterval: Duration.days(1000) });
    } catch {
      threw = true;
    }
    if (threw) return;
    const warnings = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:warning'));
    expect(warnings.map((w) => String(w.data)).join('\n')).toMatch(/maxSecretRotationInterval/);
  });

  describe('checked and closed', () => {
    test('fails if maxSecretRotationInterval is zero, fractional or above 1,000 days', () => {
      for (const interval of [Duration.days(0), Duration.hours(36), Duration.days(1001)]) {
        expect(() => new DetectiveControls(newStack(), 'Controls', { maxSecretRotationInterval: interval })).toThrow(/maxSecretRotationInterval/);
      }
    });

    test('fails if excludedRules names a rule the construct does not have (a typo never silently keeps a rule on or off)', () => {
      expect(() => new DetectiveControls(newStack(), 'Controls', { excludedRules: ['S3_BUCKET_SSL_REQUESTS_ONLYY'] })).toThrow(/excludedRules/);
    });

    test('fails if organizationId is not an organization id, or the analyzer is off', () => {
      expect(() => new DetectiveControls(newStack(), 'Controls', { organizationId: '*' })).toThrow(/organizationId/);
      expect(() => new DetectiveControls(newStack(), 'Controls', { organizationId: 'o-a1b2c3d4e5', enableAccessAnalyzer: false })).toThrow(/organizationId/);
    });

    test('fails if requireS3KmsEncryption would leave the created Config bucket SSE-S3', () => {
      expect(() => new DetectiveControls(newStack(), 'Controls', { requireS3KmsEncryption: true })).toThrow(/configDeliveryKey: received undefined/);
    });

    test('fails if configDeliveryPrefix contains AWSLogs or a leading slash', () => {
      expect(() => new DetectiveControls(newStack(), 'Controls', { configDeliveryPrefix: '/x' })).toThrow(/configDeliveryPrefix/);
      expect(() => new DetectiveControls(newStack(), 'Controls', { configDeliveryPrefix: 'AWSLogs' })).toThrow(/configDeliveryPrefix/);
    });

    test('the created Config bucket is retained, blocks public access and keeps history 3,653 days by default', () => {
      const stack = newStack();
      new DetectiveControls(stack, 'Controls');
      const buckets = Object.values(Template.fromStack(stack).findResources('AWS::S3::Bucket')) as any[];
      const config = buckets.find((b) => JSON.stringify(b.Properties.LifecycleConfiguration ?? {}).includes('3653'));
      expect(config).toBeDefined();
      expect(config.DeletionPolicy).toBe('Retain');
      expect(config.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    });
  });
});
