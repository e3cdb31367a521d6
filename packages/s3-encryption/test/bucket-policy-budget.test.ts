/**
 * Policy budgets at scale (issue 9): bucket policies in an organization of 1,000 accounts.
 * GIVEN an EncryptedBucket WHEN statements naming N other accounts are added THEN the synthesized
 * bucket policy stays under 20 KB, or synth fails naming the limit and the fix.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { resolveIntrinsics } from '@cdk-guardrails/policy-test-kit';
import { EncryptedBucket, EncryptionMode } from '../lib';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const BUCKET_POLICY_LIMIT = 20480;
const accounts = (n: number) => Array.from({ length: n }, (_v, i) => String(300000000000 + i));

/** An SSE-KMS bucket whose objects n other accounts may read (one statement listing them). */
function withReaders(n: number) {
  const stack = new Stack(new App(), 'Stack', { env: { account: ACCOUNT, region: REGION } });
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const bucket = new EncryptedBucket(stack, 'Bucket', { encryption: EncryptionMode.sseKms(key), minimumTlsVersion: 1.2 });
  if (n > 0) {
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowReadByPartnerAccounts',
        principals: accounts(n).map((a) => new iam.AccountPrincipal(a)),
        actions: ['s3:GetObject'],
        resources: [bucket.arnForObjects('*')],
      }),
    );
  }
  const template = Template.fromStack(stack).toJSON(); // runs the validations
  const [policy] = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::S3::BucketPolicy');
  const [bucketId] = Object.keys(template.Resources).filter((id) => template.Resources[id].Type === 'AWS::S3::Bucket');
  const [keyId] = Object.keys(template.Resources).filter((id) => template.Resources[id].Type === 'AWS::KMS::Key');
  const resolved = resolveIntrinsics(policy.Properties.PolicyDocument, {
    account: ACCOUNT,
    region: REGION,
    refs: { [bucketId]: 'a-bucket-name' },
    getAtts: {
      [`${bucketId}.Arn`]: 'arn:aws:s3:::a-bucket-name',
      [`${keyId}.Arn`]: `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`,
    },
  });
  return Buffer.byteLength(JSON.stringify(resolved), 'utf8');
}

describe('bucket policy budgets at 1,000 accounts', () => {
  test('the enforcing policy of an EncryptedBucket does not grow with the organization', () => {
    expect(withReaders(0)).toBeLessThan(BUCKET_POLICY_LIMIT / 4);
  });

  test('fails at synth when 1,000 accounts are listed, naming the 20 KB limit and the fix', () => {
    expect(() => withReaders(1000)).toThrow(
      /bucket policy of Stack\/Bucket would be up to \d+ bytes \(references counted at their longest\); the Amazon S3 limit is 20480 bytes \(20 KB\)\. Allow an organization \(aws:PrincipalOrgID\)/,
    );
  });

  test('at the boundary: the largest accepted list synthesizes a policy within 20 KB; one more account fails', () => {
    let lo = 0;
    let hi = 1000;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      try {
        withReaders(mid);
        lo = mid;
      } catch {
        hi = mid - 1;
      }
    }
    expect(lo).toBeGreaterThan(100);
    expect(withReaders(lo)).toBeLessThanOrEqual(BUCKET_POLICY_LIMIT);
    expect(() => withReaders(lo + 1)).toThrow(/Amazon S3 limit is 20480 bytes/);
  });
});
