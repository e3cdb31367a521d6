import * as iam from 'aws-cdk-lib/aws-iam';
import { ResourceControlPolicy } from '../../lib';

const ORG = 'o-a1b2c3d4e5';
const statementsOf = (p: ResourceControlPolicy) => JSON.parse(p.toJson()).Statement as any[];
const deny = (actions: string[], extra: Partial<iam.PolicyStatementProps> = {}) =>
  new iam.PolicyStatement({ effect: iam.Effect.DENY, principals: [new iam.StarPrincipal()], actions, resources: ['*'], ...extra });

describe('ResourceControlPolicy builders', () => {
  test('identity perimeter: PrincipalOrgID and trusted accounts in one StringNotEqualsIfExists (both must miss), AWS services exempt', () => {
    const [s] = statementsOf(ResourceControlPolicy.identityPerimeter({ organizationId: ORG, trustedAccountIds: ['999988887777'] }));
    expect(s).toMatchObject({ Sid: 'EnforceOrgIdentities', Effect: 'Deny', Principal: '*', Resource: '*' });
    expect(s.Condition).toEqual({
      StringNotEqualsIfExists: { 'aws:PrincipalOrgID': ORG, 'aws:PrincipalAccount': ['999988887777'] },
      BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
    });
    // S3, KMS, STS (the role actions, not sts:*), SQS, Secrets Manager, Logs.
    expect(s.Action).toEqual(expect.arrayContaining(['s3:*', 'kms:*', 'sts:AssumeRole', 'sqs:*', 'secretsmanager:*', 'logs:*']));
    expect(s.Action).not.toContain('sts:*');
    expect(s.Action).not.toContain('sts:AssumeRoleWithWebIdentity');
  });

  test('identity perimeter without trusted accounts names only the organization', () => {
    const [s] = statementsOf(ResourceControlPolicy.identityPerimeter({ organizationId: ORG }));
    expect(s.Condition.StringNotEqualsIfExists).toEqual({ 'aws:PrincipalOrgID': ORG });
  });

  test('confused-deputy protection: only service principals that send a source account outside the organization', () => {
    const [s] = statementsOf(
      ResourceControlPolicy.confusedDeputyProtection({
        organizationId: ORG,
        trustedSourceAccountIds: ['999988887777'],
        exemptServicePrincipals: ['config.amazonaws.com'],
      }),
    );
    expect(s.Condition).toEqual({
      StringNotEqualsIfExists: { 'aws:SourceOrgID': ORG, 'aws:SourceAccount': ['999988887777'], 'aws:PrincipalServiceName': ['config.amazonaws.com'] },
      Null: { 'aws:SourceAccount': 'false' },
      Bool: { 'aws:PrincipalIsAWSService': 'true' },
    });
  });

  test('TLS required: BoolIfExists aws:SecureTransport false on the chosen services', () => {
    const [s] = statementsOf(ResourceControlPolicy.requireSecureTransport({ services: ['s3', 'kms'] }));
    expect(s).toMatchObject({ Sid: 'EnforceSecureTransport', Action: ['s3:*', 'kms:*'], Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } } });
  });

  test('an unsupported service is refused with the list of supported ones', () => {
    expect(() => ResourceControlPolicy.requireSecureTransport({ services: ['s3', 'lambda'] })).toThrow(
      /^ResourceControlPolicy\.requireSecureTransport: services\[1\]: received 'lambda'; expected a service that supports RCPs: s3, sts, kms/,
    );
    expect(() => ResourceControlPolicy.identityPerimeter({ organizationId: ORG, services: [] })).toThrow(/services: received an empty list/);
  });

  test.each([
    ['an organization id that is not one', { organizationId: 'o-123' }, /organizationId: received "o-123"; expected an AWS Organizations id/],
    [
      'a trusted account that is not 12 digits',
      { organizationId: ORG, trustedAccountIds: ['*'] },
      /trustedAccountIds\[0\]: received "\*"; expected a 12-digit/,
    ],
  ])('identity perimeter refuses %s', (_n, options, error) => {
    expect(() => ResourceControlPolicy.identityPerimeter(options as any)).toThrow(error);
  });

  test('confused-deputy protection refuses a wildcard service principal', () => {
    expect(() => ResourceControlPolicy.confusedDeputyProtection({ organizationId: ORG, exemptServicePrincipals: ['*.amazonaws.com'] })).toThrow(
      /exemptServicePrincipals\[0\]: received "\*\.amazonaws\.com"; expected an exact AWS service principal/,
    );
  });

  test('the service principal catalogue names a documentation page for every entry, and only RCP services', () => {
    const catalogue = ResourceControlPolicy.servicePrincipalCatalogue();
    expect(catalogue.length).toBeGreaterThan(0);
    for (const e of catalogue) {
      expect(e.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
      for (const s of e.services) expect(ResourceControlPolicy.SUPPORTED_SERVICES).toContain(s);
    }
  });
});

describe('new ResourceControlPolicy enforces the AWS Organizations rules for RCPs', () => {
  test.each([
    [
      'an Allow',
      new iam.PolicyStatement({ principals: [new iam.StarPrincipal()], actions: ['s3:GetObject'], resources: ['*'] }),
      /Effect 'Allow'; expected 'Deny'/,
    ],
    [
      'a NotPrincipal',
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        notPrincipals: [new iam.ArnPrincipal('arn:aws:iam::111111111111:root')],
        actions: ['s3:*'],
        resources: ['*'],
      }),
      /a NotPrincipal; expected Principal '\*'/,
    ],
    [
      'a principal other than *',
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        principals: [new iam.ArnPrincipal('arn:aws:iam::111111111111:root')],
        actions: ['s3:*'],
        resources: ['*'],
      }),
      /Principal \{"AWS":"arn:aws:iam::111111111111:root"\}; expected Principal '\*'/,
    ],
    ['an unsupported service', deny(['ec2:RunInstances']), /the action 'ec2:RunInstances'; expected actions of the services that support RCPs/],
    ['* alone', deny(['*']), /the action '\*'; expected/],
    [
      'a NotAction',
      new iam.PolicyStatement({ effect: iam.Effect.DENY, principals: [new iam.StarPrincipal()], notActions: ['s3:*'], resources: ['*'] }),
      /a NotAction/,
    ],
  ])('refuses %s', (_n, statement, error) => {
    expect(() => new ResourceControlPolicy({ name: 'x', statements: [statement] })).toThrow(error);
  });

  test('refuses a document over 5,120 characters, accepts one at the limit', () => {
    const sized = (n: number) => deny(['s3:GetObject'], { resources: [`arn:aws:s3:::${'b'.repeat(n)}`] });
    const base = new ResourceControlPolicy({ name: 'x', statements: [sized(1)] }).sizeInCharacters;
    const atLimit = new ResourceControlPolicy({ name: 'x', statements: [sized(1 + ResourceControlPolicy.MAX_CHARACTERS - base)] });
    expect(atLimit.sizeInCharacters).toBe(5120);
    expect(() => new ResourceControlPolicy({ name: 'x', statements: [sized(2 + ResourceControlPolicy.MAX_CHARACTERS - base)] })).toThrow(
      /RCP 'x' of 5121 characters minified; expected at most 5120/,
    );
  });
});

describe('an RCP exempts no principal of a wildcard account (red3)', () => {
  const rcp = (exempt: string[], operator = 'ArnNotEquals') =>
    new ResourceControlPolicy({
      name: 'custom-rcp',
      statements: [
        new iam.PolicyStatement({
          sid: 'DenyS3OutsideOrg',
          effect: iam.Effect.DENY,
          principals: [new iam.StarPrincipal()],
          actions: ['s3:*'],
          resources: ['*'],
          conditions: {
            StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-exampleorg1' },
            [operator]: { 'aws:PrincipalARN': exempt },
            BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
          },
        }),
      ],
    });

  test.each([
    ['ArnNotEquals', 'arn:aws:iam::*:role/break-glass'],
    ['ArnNotLike', 'arn:aws:iam::*:role/cdk-hnb659fds-cfn-exec-role-*-eu-west-1'],
    ['StringNotLikeIfExists', 'arn:aws:iam::????????????:role/break-glass'],
    ['ArnNotLike', 'arn:*'],
    ['ForAllValues:ArnNotLike', '*'],
    // A policy variable names the caller's own account: the role of that name in every account.
    ['ArnNotEquals', 'arn:aws:iam::${aws:PrincipalAccount}:role/break-glass'],
    ['ArnNotLike', 'arn:aws:iam::111111111111:role/${aws:PrincipalTag/team}'],
    // Operator names in another letter case are negations too.
    ['arnNotEquals', 'arn:aws:iam::*:role/break-glass'],
  ])('%s %s: anyone can create that role in an account of their own, outside the organization', (operator, arn) => {
    expect(() => rcp(['arn:aws:iam::111111111111:role/ok', arn], operator)).toThrow(
      /statements\[0\] of RCP 'custom-rcp': received the principal exemption '.*' \(a wildcard account or a policy variable\)/,
    );
  });

  test('control: exact principals, or a name pattern in a named account, are accepted; a Deny of a pattern (ArnLike) too', () => {
    expect(() => rcp(['arn:aws:iam::111111111111:role/break-glass', 'arn:aws:iam::111111111111:role/cdk-hnb659fds-*'])).not.toThrow();
    expect(() => rcp(['arn:aws:iam::*:role/intruder-*'], 'ArnLike')).not.toThrow();
  });
});
