import { evaluate } from '@cdk-guardrails/policy-test-kit';
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Template, Match } from 'aws-cdk-lib/assertions';
import { LeastPrivilegePolicy, PolicyStatementBuilder } from '../../lib/validation';

const ACCOUNT = '111122223333';
const USER = `arn:aws:iam::${ACCOUNT}:user/alice`;
const OBJECT = 'arn:aws:s3:::reports-bucket/2026/report.csv';

function resolved(statements: iam.PolicyStatement[]): any {
  const stack = new Stack();
  return stack.resolve(new iam.PolicyDocument({ statements }).toJSON());
}

async function decide(statements: iam.PolicyStatement[], context: Record<string, string | string[]>, action = 's3:GetObject', resource = OBJECT) {
  return evaluate({
    request: { action, principal: USER, resource, resourceAccount: ACCOUNT, context },
    identityPolicies: [resolved(statements)],
  });
}

describe('PolicyStatementBuilder.allow', () => {
  test('scopes actions to resources', () => {
    // WHEN
    const json = resolved(PolicyStatementBuilder.allow(['s3:GetObject'], ['arn:aws:s3:::reports-bucket/*']).toStatements());

    // THEN
    expect(json.Statement).toEqual([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports-bucket/*' }]);
  });

  test('works with tokens from other constructs', () => {
    // GIVEN
    const stack = new Stack();
    const bucket = new s3.Bucket(stack, 'Bucket');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

    // WHEN
    const policy = new LeastPrivilegePolicy();
    policy.allow(['s3:GetObject'], [bucket.arnForObjects('*')]).requireResourceTag('team', 'payments');
    new iam.ManagedPolicy(stack, 'Policy', { document: policy.toDocument(), roles: [role] });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 's3:GetObject',
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Bucket'), 'Arn'] }, '/*']] },
            Condition: { StringEquals: { 'aws:ResourceTag/team': 'payments' } },
          },
        ],
      },
    });
  });

  test('requireMfa with a max age adds Bool and NumericLessThanEquals', () => {
    const json = resolved(PolicyStatementBuilder.allow(['s3:GetObject'], [OBJECT]).requireMfa(Duration.hours(1)).toStatements());
    expect(json.Statement[0].Condition).toEqual({
      Bool: { 'aws:MultiFactorAuthPresent': 'true' },
      NumericLessThanEquals: { 'aws:MultiFactorAuthAge': '3600' },
    });
  });

  test('restrictSourceIp splits into a source-IP statement and an aws:ViaAWSService statement, both keeping the other conditions', () => {
    const json = resolved(
      PolicyStatementBuilder.allow(['s3:GetObject'], [OBJECT])
        .withSid('Read')
        .requireOrganization('o-a1b2c3d4e5')
        .restrictSourceIp(['203.0.113.0/24', '2001:db8::/32'])
        .toStatements(),
    );
    expect(json.Statement).toEqual([
      expect.objectContaining({
        Sid: 'ReadFromSourceIp',
        Condition: {
          StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' },
          IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::/32'] },
        },
      }),
      expect.objectContaining({
        Sid: 'ReadViaAwsService',
        Condition: {
          StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' },
          Bool: { 'aws:ViaAWSService': 'true' },
        },
      }),
    ]);
  });

  test('tag requirements use the aws: tag keys', () => {
    const json = resolved(
      PolicyStatementBuilder.allow(['iam:CreateRole'], ['arn:aws:iam::111122223333:role/app-*'])
        .requireRequestTag('owner', 'platform')
        .requirePrincipalTag('team', 'platform')
        .toStatements(),
    );
    expect(json.Statement[0].Condition).toEqual({
      StringEquals: { 'aws:RequestTag/owner': 'platform', 'aws:PrincipalTag/team': 'platform' },
    });
  });

  test('withCondition adds a condition to every statement', () => {
    const json = resolved(
      PolicyStatementBuilder.allow(['kms:Decrypt'], ['arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'])
        .withCondition('StringEquals', 'kms:ViaService', ['s3.eu-west-1.amazonaws.com'])
        .restrictSourceIp(['203.0.113.0/24'])
        .toStatements(),
    );
    expect(json.Statement).toHaveLength(2);
    for (const s of json.Statement) {
      expect(s.Condition.StringEquals).toEqual({ 'kms:ViaService': 's3.eu-west-1.amazonaws.com' });
    }
  });

  test('fails if an action is "*"', () => {
    expect(() => PolicyStatementBuilder.allow(['*'], [OBJECT])).toThrow(
      /^PolicyStatementBuilder\.allow: actions: received '\*', which grants every action of every service; expected the actions the workload calls, listed one by one$/,
    );
  });

  test('fails if a wildcard action is combined with Resource "*"', () => {
    expect(() => PolicyStatementBuilder.allow(['s3:Get*'], ['*'])).toThrow(
      /^PolicyStatementBuilder\.allow: actions: received the wildcard action 's3:Get\*' with resources \['\*'\], which grants that whole family of actions on every resource; expected the actions listed one by one, or resources scoped to ARNs$/,
    );
  });

  test('allows a wildcard action scoped to ARNs', () => {
    expect(PolicyStatementBuilder.allow(['s3:Get*'], [OBJECT]).toStatements()).toHaveLength(1);
  });

  test('fails if the service is unknown to the IAM dataset', () => {
    expect(() => PolicyStatementBuilder.allow(['s4:GetObject'], [OBJECT])).toThrow(
      /^PolicyStatementBuilder\.allow: actions: received 's4:GetObject', whose service 's4' the IAM dataset does not know; expected an action of a service in the IAM dataset$/,
    );
  });

  test('fails if the action is unknown to the IAM dataset', () => {
    expect(() => PolicyStatementBuilder.allow(['s3:GetObjekt'], [OBJECT])).toThrow(
      /^PolicyStatementBuilder\.allow: actions: received 's3:GetObjekt', which matches no action of the service 's3'; expected an action the IAM dataset lists for that service$/,
    );
  });

  test('fails if the action is malformed', () => {
    expect(() => PolicyStatementBuilder.allow(['GetObject'], [OBJECT])).toThrow(
      /^PolicyStatementBuilder\.allow: actions: received 'GetObject', which is malformed; expected '<service>:<Action>' such as 's3:GetObject'$/,
    );
  });

  test('fails if actions or resources are empty', () => {
    expect(() => PolicyStatementBuilder.allow([], [OBJECT])).toThrow(
      /^PolicyStatementBuilder\.allow: actions: received an empty list; expected at least one IAM action, for example \['s3:GetObject'\]$/,
    );
    expect(() => PolicyStatementBuilder.allow(['s3:GetObject'], [])).toThrow(
      /^PolicyStatementBuilder\.allow: resources: received an empty list; expected resource ARNs, or \['\*'\] for actions without resource-level permissions$/,
    );
  });

  test('fails if a resource is not an ARN', () => {
    expect(() => PolicyStatementBuilder.allow(['s3:GetObject'], ['reports-bucket'])).toThrow(
      /^PolicyStatementBuilder\.allow: resources: received 'reports-bucket', which is not an ARN; expected 'arn:\.\.\.' or '\*'$/,
    );
  });

  test('fails if a CIDR is malformed', () => {
    expect(() => PolicyStatementBuilder.allow(['s3:GetObject'], [OBJECT]).restrictSourceIp(['10.0.0.0/33'])).toThrow(
      /^PolicyStatementBuilder\.restrictSourceIp: cidrs: received '10.0.0.0\/33', which is not a CIDR range; expected IPv4 a\.b\.c\.d\/0-32 or IPv6 x:x::\/0-128$/,
    );
    expect(() => PolicyStatementBuilder.allow(['s3:GetObject'], [OBJECT]).restrictSourceIp([])).toThrow(
      /^PolicyStatementBuilder\.restrictSourceIp: cidrs: received an empty list; expected at least one CIDR range such as 203\.0\.113\.0\/24$/,
    );
  });

  test('fails if the MFA max age is out of range', () => {
    expect(() => PolicyStatementBuilder.allow(['s3:GetObject'], [OBJECT]).requireMfa(Duration.hours(37))).toThrow(
      /^PolicyStatementBuilder\.requireMfa: maxAge: received 133200; expected a whole number of seconds from 1 to 129600 \(36 hours\)$/,
    );
  });

  test('fails if the organization id is malformed', () => {
    expect(() => PolicyStatementBuilder.allow(['s3:GetObject'], [OBJECT]).requireOrganization('org-1')).toThrow(
      /^PolicyStatementBuilder\.requireOrganization: orgId: received 'org-1'; expected an organization id matching \^o-\[a-z0-9\]\{10,32\}\$ \(for example o-a1b2c3d4e5\)$/,
    );
  });

  test('fails if a tag key or value is out of bounds, naming the method', () => {
    const b = PolicyStatementBuilder.allow(['s3:GetObject'], [OBJECT]);
    expect(() => b.requireResourceTag('aws:team', 'a')).toThrow(
      /^PolicyStatementBuilder\.requireResourceTag: key: received 'aws:team'; expected a tag key of 1 to 128 characters, without '\/' and not starting with 'aws:'$/,
    );
    expect(() => b.requirePrincipalTag('team', 'v'.repeat(257))).toThrow(
      /^PolicyStatementBuilder\.requirePrincipalTag: value: received a tag value of 257 characters; expected at most 256 characters$/,
    );
  });

  test('errors from deny and denyAllExcept name the factory used', () => {
    expect(() => PolicyStatementBuilder.deny(['s3:GetObject'], [])).toThrow(/^PolicyStatementBuilder\.deny: resources: received an empty list; /);
    expect(() => PolicyStatementBuilder.denyAllExcept([], ['*'])).toThrow(/^PolicyStatementBuilder\.denyAllExcept: actions: received an empty list; /);
  });

  test('fails if a condition key is unknown or an operator is made up', () => {
    const b = PolicyStatementBuilder.allow(['s3:GetObject'], [OBJECT]);
    expect(() => b.withCondition('StringEquals', 'aws:SourceIpAddress', ['x'])).toThrow(
      /^PolicyStatementBuilder\.withCondition: key: received condition key 'aws:SourceIpAddress'; expected a condition key known to the IAM dataset$/,
    );
    expect(() => b.withCondition('StringIs', 'aws:SourceIp', ['x'])).toThrow(
      /^PolicyStatementBuilder\.withCondition: operator: received unknown condition operator 'StringIs'; expected an IAM condition operator$/,
    );
  });

  test('fails if the same condition is set twice', () => {
    expect(() =>
      PolicyStatementBuilder.allow(['s3:GetObject'], [OBJECT]).requireResourceTag('team', 'a').requireResourceTag('team', 'b').toStatements(),
    ).toThrow(
      /^PolicyStatementBuilder\.toStatements: conditions: received the condition StringEquals 'aws:ResourceTag\/team' a second time; expected each condition once; combine the values in one call$/,
    );
  });
});

describe('PolicyStatementBuilder.deny', () => {
  test('without requirements is one unconditional Deny', () => {
    const json = resolved(PolicyStatementBuilder.deny(['iam:DeleteRolePermissionsBoundary'], ['*']).toStatements());
    expect(json.Statement).toEqual([{ Effect: 'Deny', Action: 'iam:DeleteRolePermissionsBoundary', Resource: '*' }]);
  });

  test('allows "*" and NotAction, which only restrict', () => {
    const json = resolved([
      ...PolicyStatementBuilder.deny(['*'], ['*']).restrictSourceIp(['203.0.113.0/24']).toStatements(),
      ...PolicyStatementBuilder.denyAllExcept(['iam:ListMFADevices'], ['*']).requireMfa().toStatements(),
    ]);
    expect(json.Statement).toEqual([
      {
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' }, Bool: { 'aws:ViaAWSService': 'false' } },
      },
      {
        Effect: 'Deny',
        NotAction: 'iam:ListMFADevices',
        Resource: '*',
        Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
      },
    ]);
  });

  test('one Deny per way a requirement can be violated', () => {
    const json = resolved(
      PolicyStatementBuilder.deny(['iam:CreateRole'], ['*']).withSid('Guard').requireMfa(Duration.minutes(15)).requireRequestTagKey('owner').toStatements(),
    );
    expect(json.Statement.map((s: any) => [s.Sid, s.Condition])).toEqual([
      ['GuardWithoutMfa', { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } }],
      ['GuardMfaTooOld', { NumericGreaterThan: { 'aws:MultiFactorAuthAge': '900' } }],
      ['GuardWithoutRequestTagKey', { Null: { 'aws:RequestTag/owner': 'true' } }],
    ]);
  });
});

describe('LeastPrivilegePolicy', () => {
  test('collects statements in order', () => {
    const policy = new LeastPrivilegePolicy();
    policy.allow(['s3:GetObject'], [OBJECT]);
    policy.deny(['s3:DeleteObject'], [OBJECT]);
    const json = resolved(policy.toStatements());
    expect(json.Statement.map((s: any) => s.Effect)).toEqual(['Allow', 'Deny']);
  });

  test('fails if the document has no statement', () => {
    expect(() => new LeastPrivilegePolicy().toDocument()).toThrow(
      /^LeastPrivilegePolicy\.toDocument: statements: received an empty list \(the policy has no statement\); expected at least one statement\. Add one with allow\(\), deny\(\) or add\(\)$/,
    );
  });
});

// Semantic tests: the statements do what they say under IAM's evaluation logic.
describe('semantics', () => {
  const allowFromOffice = () => PolicyStatementBuilder.allow(['s3:GetObject'], [OBJECT]).restrictSourceIp(['203.0.113.0/24']).toStatements();

  test('an allow restricted to an IP range allows a request from the range', async () => {
    expect(await decide(allowFromOffice(), { 'aws:SourceIp': '203.0.113.7', 'aws:ViaAWSService': 'false' })).toBe('Allowed');
  });

  test('an allow restricted to an IP range does not allow a request from outside the range', async () => {
    expect(await decide(allowFromOffice(), { 'aws:SourceIp': '198.51.100.9', 'aws:ViaAWSService': 'false' })).toBe('ImplicitlyDenied');
  });

  test('an allow restricted to an IP range still allows the same call made by an AWS service for the principal', async () => {
    expect(await decide(allowFromOffice(), { 'aws:SourceIp': '198.51.100.9', 'aws:ViaAWSService': 'true' })).toBe('Allowed');
  });

  test('without the aws:ViaAWSService statement, the AWS-service call would be denied (the pairing matters)', async () => {
    const [ipOnly] = allowFromOffice();
    expect(await decide([ipOnly], { 'aws:SourceIp': '198.51.100.9', 'aws:ViaAWSService': 'true' })).toBe('ImplicitlyDenied');
  });

  const adminAllow = () => new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [OBJECT] });
  const ipGuard = () => PolicyStatementBuilder.deny(['*'], ['*']).restrictSourceIp(['203.0.113.0/24']).toStatements();

  test('a source-IP deny guardrail denies a request from outside the range', async () => {
    expect(await decide([adminAllow(), ...ipGuard()], { 'aws:SourceIp': '198.51.100.9', 'aws:ViaAWSService': 'false' })).toBe('ExplicitlyDenied');
  });

  test('a source-IP deny guardrail does not deny the same call made by an AWS service', async () => {
    expect(await decide([adminAllow(), ...ipGuard()], { 'aws:SourceIp': '198.51.100.9', 'aws:ViaAWSService': 'true' })).toBe('Allowed');
  });

  const mfaGuard = () => PolicyStatementBuilder.denyAllExcept(['iam:ListMFADevices'], ['*']).requireMfa(Duration.hours(1)).toStatements();

  test('an MFA deny guardrail denies a request without MFA, including long-term keys where the key is absent', async () => {
    expect(await decide([adminAllow(), ...mfaGuard()], { 'aws:MultiFactorAuthPresent': 'false' })).toBe('ExplicitlyDenied');
    expect(await decide([adminAllow(), ...mfaGuard()], {})).toBe('ExplicitlyDenied');
  });

  test('an MFA deny guardrail denies when the MFA is older than the max age, and allows a fresh MFA', async () => {
    expect(await decide([adminAllow(), ...mfaGuard()], { 'aws:MultiFactorAuthPresent': 'true', 'aws:MultiFactorAuthAge': '7200' })).toBe('ExplicitlyDenied');
    expect(await decide([adminAllow(), ...mfaGuard()], { 'aws:MultiFactorAuthPresent': 'true', 'aws:MultiFactorAuthAge': '60' })).toBe('Allowed');
  });

  test('the MFA guardrail leaves the excepted self-service action alone', async () => {
    const listMfa = new iam.PolicyStatement({ actions: ['iam:ListMFADevices'], resources: ['*'] });
    expect(await decide([listMfa, ...mfaGuard()], {}, 'iam:ListMFADevices', USER)).toBe('Allowed');
    // and the same guardrail denies any other action of the user without MFA
    const other = new iam.PolicyStatement({ actions: ['iam:ChangePassword'], resources: ['*'] });
    expect(await decide([other, ...mfaGuard()], {}, 'iam:ChangePassword', USER)).toBe('ExplicitlyDenied');
  });

  test('an organization deny guardrail denies principals outside the organization but not AWS service principals', async () => {
    const guard = PolicyStatementBuilder.deny(['s3:GetObject'], ['*']).requireOrganization('o-a1b2c3d4e5').toStatements();
    expect(await decide([adminAllow(), ...guard], { 'aws:PrincipalOrgID': 'o-zzzzzzzzzz' })).toBe('ExplicitlyDenied');
    expect(await decide([adminAllow(), ...guard], {})).toBe('ExplicitlyDenied');
    expect(await decide([adminAllow(), ...guard], { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' })).toBe('Allowed');
    expect(await decide([adminAllow(), ...guard], { 'aws:PrincipalIsAWSService': 'true' })).toBe('Allowed');
  });
});
