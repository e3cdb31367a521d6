import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PolicyRule } from '../../lib/validation';
import { PolicySize, PolicySizeUnit } from '@cdk-guardrails/facts';
import { analyzeTemplate, extractPolicies } from '../../lib/validation/private/template-policies';

const ctx = { account: '111122223333', region: 'eu-west-1' };

function statements(n: number, resource: (i: number) => unknown, effect = 'Allow'): object {
  return {
    Version: '2012-10-17',
    Statement: Array.from({ length: n }, (_, i) => ({ Effect: effect, Action: 's3:GetObject', Resource: resource(i) })),
  };
}

describe('extractPolicies', () => {
  test('renders intrinsics to realistic, type-aware ARNs using the stack environment', () => {
    const template = {
      Resources: {
        Bucket: { Type: 'AWS::S3::Bucket' },
        Key: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Statement: [] } } },
        Policy: {
          Type: 'AWS::IAM::ManagedPolicy',
          Properties: {
            PolicyDocument: {
              Statement: [
                {
                  Effect: 'Allow',
                  Action: ['s3:GetObject', 'kms:Decrypt'],
                  Resource: [
                    { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Bucket', 'Arn'] }, '/*']] },
                    { 'Fn::GetAtt': ['Key', 'Arn'] },
                    { 'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:app:*' },
                  ],
                },
              ],
            },
          },
        },
      },
    };
    const managed = extractPolicies(template, ctx).find((p) => p.logicalId === 'Policy')!;
    expect((managed.rendered as any).Statement[0].Resource).toEqual([
      'arn:aws:s3:::bucket-a1b2c3d4e5f6/*',
      'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      'arn:aws:logs:eu-west-1:111122223333:log-group:app:*',
    ]);
    expect(managed.approximate).toBe(true);
    expect(managed.accessAnalyzerPolicyType).toBe('IDENTITY_POLICY');
  });

  test('parses a Logs destination policy given as JSON text built with Fn::Join (as CDK writes it)', () => {
    // GIVEN a real CrossAccountDestination with a policy naming an account
    const stack = new Stack(undefined, 'S', { env: ctx });
    const stream = new kinesis.Stream(stack, 'Stream');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('logs.amazonaws.com') });
    const destination = new logs.CrossAccountDestination(stack, 'Dest', { targetArn: stream.streamArn, role });
    destination.addToPolicy(
      new iam.PolicyStatement({ principals: [new iam.AccountPrincipal('444455556666')], actions: ['logs:PutSubscriptionFilter'], resources: ['*'] }),
    );
    const template = Template.fromStack(stack).toJSON();

    // WHEN
    const dest = extractPolicies(template, ctx).find((p) => p.resourceType === 'AWS::Logs::Destination')!;

    // THEN
    expect(dest.kind).toBe('resource');
    expect((dest.rendered as any).Statement[0]).toEqual(
      expect.objectContaining({ Effect: 'Allow', Action: 'logs:PutSubscriptionFilter', Principal: { AWS: expect.stringContaining('444455556666') } }),
    );
    expect(analyzeTemplate(template, ctx).filter((f) => f.logicalId === dest.logicalId)).toEqual([]);
  });

  test('reads SCPs from AWS::Organizations::Policy, and ignores other Organizations policy types', () => {
    const scp = statements(1, () => '*', 'Deny');
    const template = {
      Resources: {
        Scp: { Type: 'AWS::Organizations::Policy', Properties: { Type: 'SERVICE_CONTROL_POLICY', Content: JSON.stringify(scp) } },
        Tag: { Type: 'AWS::Organizations::Policy', Properties: { Type: 'TAG_POLICY', Content: { tags: {} } } },
      },
    };
    expect(extractPolicies(template).map((p) => [p.logicalId, p.kind, p.accessAnalyzerPolicyType])).toEqual([['Scp', 'scp', 'SERVICE_CONTROL_POLICY']]);
  });
});

describe('analyzeTemplate', () => {
  test('counts AWS::IAM::RolePolicy and AWS::IAM::Policy resources against the role they attach to', () => {
    const arn = (i: number) => `arn:aws:s3:::bucket-${i}-with-a-rather-long-name-for-size/*`;
    const template = {
      Resources: {
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
          },
        },
        Other: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
          },
        },
        A: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'a', Roles: [{ Ref: 'Role' }], PolicyDocument: statements(60, arn) } },
        B: { Type: 'AWS::IAM::RolePolicy', Properties: { PolicyName: 'b', RoleName: { Ref: 'Role' }, PolicyDocument: statements(60, arn) } },
        C: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'c', Roles: [{ Ref: 'Other' }], PolicyDocument: statements(60, arn) } },
      },
    };
    const size = PolicySize.of(statements(60, arn), PolicySizeUnit.CHARACTERS);
    expect(size).toBeLessThan(10240);
    expect(2 * size).toBeGreaterThan(10240);
    const findings = analyzeTemplate(template);
    expect(findings.map((f) => [f.logicalId, f.rule])).toEqual([['Role', PolicyRule.POLICY_TOO_LARGE]]);
    expect(findings[0].message).toMatch(/A:Properties.PolicyDocument=\d+, B:Properties.PolicyDocument=\d+/);
  });

  test('in key and secret policies Resource "*" is the resource itself: a partial wildcard action there is not a grant on every resource', () => {
    // GIVEN the statement CDK writes for a secret encrypted with a customer managed key
    const viaSecretsManager = {
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:root' },
      Resource: '*',
      Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
      Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
    };
    const template = {
      Resources: {
        Key: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Version: '2012-10-17', Statement: [viaSecretsManager] } } },
        SecretPolicy: {
          Type: 'AWS::SecretsManager::ResourcePolicy',
          Properties: {
            SecretId: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:s',
            ResourcePolicy: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/r' }, Action: 'secretsmanager:Get*', Resource: '*' }],
            },
          },
        },
        // THEN the same statement in an identity policy is a wildcard grant on every resource
        Identity: {
          Type: 'AWS::IAM::ManagedPolicy',
          Properties: { PolicyDocument: { Version: '2012-10-17', Statement: [{ ...viaSecretsManager, Principal: undefined }] } },
        },
      },
    };
    expect(analyzeTemplate(template).map((f) => [f.logicalId, f.rule])).toEqual([['Identity', PolicyRule.WILDCARD_ACTION_ON_ALL_RESOURCES]]);
  });

  test('a key policy still may not allow Action "*", a service-wide kms:*, or a public principal', () => {
    const template = {
      Resources: {
        Key: {
          Type: 'AWS::KMS::Key',
          Properties: { KeyPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] } },
        },
        Default: {
          Type: 'AWS::KMS::Key',
          Properties: {
            KeyPolicy: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' }],
            },
          },
        },
      },
    };
    expect(analyzeTemplate(template).map((f) => [f.logicalId, f.rule])).toEqual(
      expect.arrayContaining([
        ['Key', PolicyRule.ALLOW_STAR_ACTION],
        ['Key', PolicyRule.PUBLIC_PRINCIPAL],
        ['Default', PolicyRule.WILDCARD_ACTION_ON_ALL_RESOURCES],
      ]),
    );
  });

  test('sizes count every reference at its longest (an upper bound), not at the length of its rendering', () => {
    // 35 bucket ARNs: about 1,300 characters as rendered, but a reference may be up to
    // PolicySize.REFERENCE_MAX_LENGTH (200) characters: 35 x 200 is over 6,144.
    const resources = Array.from({ length: 35 }, () => ({ 'Fn::GetAtt': ['Bucket', 'Arn'] }));
    const template = {
      Resources: {
        Bucket: { Type: 'AWS::S3::Bucket' },
        Policy: {
          Type: 'AWS::IAM::ManagedPolicy',
          Properties: { PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: resources }] } },
        },
      },
    };
    const [policy] = extractPolicies(template);
    expect(JSON.stringify(policy.rendered).length).toBeLessThan(6144 / 2);
    expect(policy.sizeCharacters).toBeGreaterThan(6144);
    const findings = analyzeTemplate(template).filter((f) => f.rule === PolicyRule.POLICY_TOO_LARGE);
    expect(findings.map((f) => [f.logicalId, f.message])).toEqual([
      [
        'Policy',
        expect.stringMatching(
          /^policy is up to \d+ characters, over the managed policy limit \(6,144 characters\) \(an upper bound: references unknown at synth counted at their longest\)$/,
        ),
      ],
    ]);
  });

  test('a trust policy over 2,048 characters fails', () => {
    const template = {
      Resources: {
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: {
              Statement: Array.from({ length: 30 }, (_, i) => ({
                Effect: 'Allow',
                Principal: { AWS: `arn:aws:iam::1111222233${String(i).padStart(2, '0')}:root` },
                Action: 'sts:AssumeRole',
              })),
            },
          },
        },
      },
    };
    expect(analyzeTemplate(template).map((f) => f.rule)).toEqual([PolicyRule.POLICY_TOO_LARGE]);
  });

  test('a Logs destination policy over 5,120 bytes fails (the reason to use aws:PrincipalOrgID at scale)', () => {
    const accounts = Array.from({ length: 400 }, (_, i) => String(100000000000 + i));
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: accounts },
          Action: 'logs:PutSubscriptionFilter',
          Resource: 'arn:aws:logs:eu-west-1:111122223333:destination:central',
        },
      ],
    };
    const template = { Resources: { Dest: { Type: 'AWS::Logs::Destination', Properties: { DestinationPolicy: JSON.stringify(policy) } } } };
    expect(analyzeTemplate(template).map((f) => [f.rule, f.message.match(/CloudWatch Logs destination policy limit/) !== null])).toEqual([
      [PolicyRule.POLICY_TOO_LARGE, true],
    ]);
  });

  test('a suppression without a reason in a template does not suppress, and is itself an error', () => {
    const template = {
      Resources: {
        P: {
          Type: 'AWS::IAM::ManagedPolicy',
          Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } },
          Metadata: { guardrails_policy_validator: { suppressions: [{ rule: 'ALLOW_STAR_ACTION', reason: '  ' }] } },
        },
      },
    };
    const findings = analyzeTemplate(template);
    expect(findings.map((f) => [f.rule, f.suppressed])).toEqual([
      [PolicyRule.ALLOW_STAR_ACTION, false],
      [PolicyRule.SUPPRESSION_WITHOUT_REASON, false],
    ]);
  });

  test('resources without policies and unknown types are ignored', () => {
    expect(analyzeTemplate({ Resources: { Q: { Type: 'AWS::SQS::Queue', Properties: {} } } })).toEqual([]);
    expect(analyzeTemplate({})).toEqual([]);
  });
});
