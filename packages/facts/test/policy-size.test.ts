import { PolicySize, PolicySizeLimit, PolicySizeUnit } from '../lib';

/** A policy of exactly `size` characters of compact JSON, all ASCII. */
function policyOf(size: number): any {
  const empty = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '' }] }).length;
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'r'.repeat(size - empty) }] };
}

describe('PolicySizeLimit: a document at the limit passes, one character or byte over fails', () => {
  const limits: [string, PolicySizeLimit, number, PolicySizeUnit][] = [
    ['IAM managed policy', PolicySizeLimit.IAM_MANAGED_POLICY, 6144, PolicySizeUnit.CHARACTERS],
    ['IAM trust policy', PolicySizeLimit.IAM_TRUST_POLICY, 2048, PolicySizeUnit.CHARACTERS],
    ['IAM role inline policies', PolicySizeLimit.IAM_ROLE_INLINE_POLICIES, 10240, PolicySizeUnit.CHARACTERS],
    ['IAM user inline policies', PolicySizeLimit.IAM_USER_INLINE_POLICIES, 2048, PolicySizeUnit.CHARACTERS],
    ['IAM group inline policies', PolicySizeLimit.IAM_GROUP_INLINE_POLICIES, 5120, PolicySizeUnit.CHARACTERS],
    ['service control policy', PolicySizeLimit.SERVICE_CONTROL_POLICY, 5120, PolicySizeUnit.CHARACTERS],
    ['S3 bucket policy', PolicySizeLimit.S3_BUCKET_POLICY, 20480, PolicySizeUnit.BYTES],
    ['KMS key policy', PolicySizeLimit.KMS_KEY_POLICY, 32768, PolicySizeUnit.BYTES],
    ['Logs destination policy', PolicySizeLimit.LOGS_DESTINATION_POLICY, 5120, PolicySizeUnit.BYTES],
    ['Logs resource policy', PolicySizeLimit.LOGS_RESOURCE_POLICY, 5120, PolicySizeUnit.CHARACTERS],
    ['SQS queue policy', PolicySizeLimit.SQS_QUEUE_POLICY, 8192, PolicySizeUnit.BYTES],
    ['Secrets Manager resource policy', PolicySizeLimit.SECRETS_MANAGER_RESOURCE_POLICY, 20480, PolicySizeUnit.CHARACTERS],
  ];
  test.each(limits)('%s: %d %s', (_name, limit, maximum, unit) => {
    expect(limit.maximum).toBe(maximum);
    expect(limit.unit).toBe(unit);
    expect(limit.sizeOf(policyOf(maximum))).toBe(maximum);
    expect(limit.sizeOf(policyOf(maximum)) <= limit.maximum).toBe(true);
    expect(limit.sizeOf(policyOf(maximum + 1)) > limit.maximum).toBe(true);
    expect(limit.label).toMatch(/limit \(/);
  });
});

describe('PolicySize.of: compact JSON, as AWS counts it', () => {
  const cases: [string, any, PolicySizeUnit, number][] = [
    ['whitespace between tokens is not counted', '{ "Version" : "2012-10-17" }', PolicySizeUnit.CHARACTERS, '{"Version":"2012-10-17"}'.length],
    ['JSON text and the same object have the same size', { Version: '2012-10-17' }, PolicySizeUnit.CHARACTERS, '{"Version":"2012-10-17"}'.length],
    ['non-ASCII text: one character', { Sid: 'é' }, PolicySizeUnit.CHARACTERS, '{"Sid":"é"}'.length],
    ['non-ASCII text: two UTF-8 bytes', { Sid: 'é' }, PolicySizeUnit.BYTES, '{"Sid":"é"}'.length + 1],
    ['a string that is not JSON is measured as it is', 'not json', PolicySizeUnit.CHARACTERS, 8],
  ];
  test.each(cases)('%s', (_name, document, unit, expected) => {
    expect(PolicySize.of(document, unit)).toBe(expected);
  });
});

describe('PolicySize.upperBound: every intrinsic at the longest value it can take', () => {
  const base = (resource: any) => ({ Resource: resource });
  const size = (resource: any) => PolicySize.of(base(resource), PolicySizeUnit.CHARACTERS);
  const x = (n: number) => 'x'.repeat(n);
  const cases: [string, any, number][] = [
    ['a literal counts exactly', 'arn:aws:s3:::b', size('arn:aws:s3:::b')],
    ['AWS::Partition: aws-us-gov (10)', { Ref: 'AWS::Partition' }, size(x(10))],
    ['AWS::Region: 16', { Ref: 'AWS::Region' }, size(x(16))],
    ['AWS::AccountId: 12', { Ref: 'AWS::AccountId' }, size(x(12))],
    ['AWS::URLSuffix: amazonaws.com.cn (16)', { Ref: 'AWS::URLSuffix' }, size(x(16))],
    ['AWS::StackName: 128', { Ref: 'AWS::StackName' }, size(x(128))],
    ['a Ref to a resource: REFERENCE_MAX_LENGTH', { Ref: 'MyBucket' }, size(x(PolicySize.REFERENCE_MAX_LENGTH))],
    ['Fn::GetAtt: REFERENCE_MAX_LENGTH', { 'Fn::GetAtt': ['Key', 'Arn'] }, size(x(200))],
    ['Fn::ImportValue: REFERENCE_MAX_LENGTH', { 'Fn::ImportValue': 'out' }, size(x(200))],
    [
      'Fn::Join: the parts joined',
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { Ref: 'B' }, '/*']] },
      size(`arn:${x(10)}:s3:::${x(200)}/*`),
    ],
    ['Fn::Sub: each variable at its longest', { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' }, size(`arn:${x(10)}:iam::${x(12)}:root`)],
    ['Fn::Sub with a variable map', { 'Fn::Sub': ['${A}/${!Literal}', { A: 'abc' }] }, size('abc/${Literal}')],
    ['Fn::If: the longer branch', { 'Fn::If': ['C', 'short', { 'Fn::GetAtt': ['R', 'Arn'] }] }, size(x(200))],
    ['Fn::Select: the longest element', { 'Fn::Select': [0, ['a', 'bbbb']] }, size('bbbb')],
  ];
  test.each(cases)('%s', (_name, resource, expected) => {
    expect(PolicySize.upperBound(base(resource), PolicySizeUnit.CHARACTERS)).toBe(expected);
  });

  const regions: [string, string][] = [
    ['eu-west-1', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-iso-east-1', 'x'.repeat(10)],
    ['eusc-de-east-1', 'x'.repeat(10)],
  ];
  test.each(regions)('the partition follows from the region %s: %s', (region, partition) => {
    const doc = base({ Ref: 'AWS::Partition' });
    expect(PolicySize.upperBound(doc, PolicySizeUnit.CHARACTERS, { region })).toBe(size(partition));
  });

  test('a known partition and region count at their real length', () => {
    const doc = base({ 'Fn::Join': [':', [{ Ref: 'AWS::Partition' }, { Ref: 'AWS::Region' }]] });
    expect(PolicySize.upperBound(doc, PolicySizeUnit.CHARACTERS, { partition: 'aws', region: 'eu-west-1' })).toBe(size('aws:eu-west-1'));
  });

  test('is never smaller than the size of any resolution of the document', () => {
    const doc = base({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':key/', { Ref: 'Key' }]],
    });
    const longest = `arn:aws-us-gov:kms:ap-southeast-5:123456789012:key/mrk-${'a'.repeat(32)}`;
    expect(PolicySize.upperBound(doc, PolicySizeUnit.BYTES)).toBeGreaterThanOrEqual(PolicySize.of(base(longest), PolicySizeUnit.BYTES));
  });

  test('JSON text built with Fn::Join is measured as compact JSON', () => {
    const doc = { 'Fn::Join': ['', ['{ "Resource" : "', { Ref: 'AWS::AccountId' }, '" }']] };
    expect(PolicySize.upperBound(doc, PolicySizeUnit.BYTES)).toBe(size(x(12)));
  });

  test('without intrinsics it equals PolicySize.of', () => {
    const doc = policyOf(500);
    expect(PolicySize.hasIntrinsics(doc)).toBe(false);
    expect(PolicySize.upperBound(doc, PolicySizeUnit.BYTES)).toBe(PolicySize.of(doc, PolicySizeUnit.BYTES));
    expect(PolicySize.hasIntrinsics(base({ Ref: 'X' }))).toBe(true);
  });
});
