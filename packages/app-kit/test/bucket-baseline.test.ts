import { join } from 'path';
import { loadConfig, parseConfig } from '@cdk-guardrails/config';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { acknowledgedIds, accessLogBucketAcknowledgements, addAccessLogBucket, auditEvidenceLifecycleRules } from '../src';

const config = loadConfig('prod', { configDir: join(__dirname, '..', '..', '..', 'config') });
const BREAK_GLASS = 'arn:aws:iam::111111111111:role/GuardrailsBreakGlass';

test('audit evidence: Glacier IR after 90 days, Deep Archive after 365, expired at the audit retention', () => {
  const [rule] = auditEvidenceLifecycleRules(config);
  expect(rule.expiration?.toDays()).toBe(config.logging.retentionDays.audit);
  expect(rule.transitions?.map((t) => [t.storageClass.value, t.transitionAfter?.toDays()])).toEqual([
    ['GLACIER_IR', 90],
    ['DEEP_ARCHIVE', 365],
  ]);
});

test('a short audit retention drops the transitions S3 would refuse (at or after the expiration)', () => {
  // Outside production: there config refuses an audit retention below the class's 3653 days.
  const raw = JSON.parse(JSON.stringify(config));
  const short = { ...raw, environment: 'dev', logging: { ...raw.logging, retentionDays: { ...raw.logging.retentionDays, audit: 180 } } };
  const [rule] = auditEvidenceLifecycleRules(parseConfig(short, 'dev'));
  expect(rule.transitions?.map((t) => t.transitionAfter?.toDays())).toEqual([90]);
});

test('the access-log bucket keeps logs for the security class and is protected like every log bucket', () => {
  const stack = new Stack(new App(), 'S', { env: { account: '111111111111', region: 'eu-west-1' } });
  addAccessLogBucket(stack, config, RemovalPolicy.RETAIN, [BREAK_GLASS]);
  const template = Template.fromStack(stack).toJSON();
  const bucket = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::S3::Bucket');
  expect(bucket.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(config.logging.retentionDays.security);
  const policy = JSON.stringify(Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::S3::BucketPolicy').Properties.PolicyDocument);
  expect(policy).toContain('DenyLogObjectChangesExceptServices');
  expect(policy).toContain('s3:PutBucketPolicy');
  // Its acknowledgements name Control Tower controls of the pinned rule set.
  expect(accessLogBucketAcknowledgements().flatMap((a) => acknowledgedIds(a, stack))).toEqual(
    expect.arrayContaining(['cdk-validator-cfnguard::s3_bucket_logging_enabled_check', 'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check']),
  );
});
