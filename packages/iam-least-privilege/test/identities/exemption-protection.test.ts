import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as iam from 'aws-cdk-lib/aws-iam';
import { OrganizationPolicyCompiler, ServiceControlPolicy, ServiceControlPolicyProps } from '../../lib';
import { CdkBootstrap } from '@cdk-guardrails/facts';
import { checkPatternExemptionsProtected, globCovers } from '../../lib/identities/private/exemption-protection';

describe('globCovers: does a pattern match every string another pattern matches?', () => {
  test.each([
    ['*', 'anything*at?all', true],
    ['cdk-q-*', 'cdk-q-cfn-exec-role-*-eu-west-1', true],
    ['cdk-q-*', 'cdk-*-cfn-exec-role-*', false],
    ['break-glass', 'break-glass', true],
    ['break-glass', 'break-glas?', false],
    ['break-glas?', 'break-glass', true],
    // '?' covers one character, never a '*' that stands for many.
    ['a?b', 'a*b', false],
    ['a?b', 'a?b', true],
    ['a*b', 'a?b', true],
    ['a*', 'b*', false],
    ['*-eu-west-1', 'cdk-q-cfn-exec-role-*-eu-west-1', true],
    ['*-eu-west-1', 'cdk-q-cfn-exec-role-*', false],
  ])('%s covers %s: %s', (cover, pattern, expected) => {
    expect(globCovers(cover, pattern)).toBe(expected);
  });

  test('actions compare without case', () => {
    expect(globCovers('iam:*role*', 'iam:CreateRole', true)).toBe(true);
    expect(globCovers('iam:*role*', 'iam:CreateRole')).toBe(false);
  });
});

describe('checkPatternExemptionsProtected: the shape of an exemption pattern', () => {
  const TAKEOVER = ['iam:CreateRole', 'iam:UpdateAssumeRolePolicy', 'iam:AttachRolePolicy', 'iam:PutRolePolicy', 'iam:PassRole', 'sts:AssumeRole'];
  /** A document whose exemption `pattern` is "protected" by a deny excepting that same pattern, as the library's protections except the deployers. */
  const circular = (pattern: string) => ({
    name: 'custom',
    toJson: () =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'Protect', Effect: 'Deny', Action: TAKEOVER, Resource: pattern, Condition: { ArnNotEquals: { 'aws:PrincipalARN': [pattern] } } },
          {
            Sid: 'NoStopLogging',
            Effect: 'Deny',
            Action: 'cloudtrail:StopLogging',
            Resource: '*',
            Condition: { ArnNotEquals: { 'aws:PrincipalARN': [pattern] } },
          },
        ],
      }),
  });

  test.each(['arn:aws:iam::*:role/*', 'arn:aws:iam::*:role/?eploy', 'arn:aws:iam::*:*', 'arn:aws:iam::*:user/ci-*', 'arn:aws:iam::1111*:role/x-*'])(
    '%s is refused even with a protection that excepts it: a pattern that can match any role protects nothing',
    (pattern) => {
      expect(() => checkPatternExemptionsProtected('Compiler', [circular(pattern)])).toThrow(
        /exemption pattern .* in custom \((Protect|NoStopLogging)\).*role ARN pattern/s,
      );
    },
  );

  test('control: a named pattern protected by a deny that excepts the same deployers passes, as the prod SCPs are written', () => {
    expect(() => checkPatternExemptionsProtected('Compiler', [circular('arn:aws:iam::*:role/cdk-grdtest-cfn-exec-role-*-eu-west-1')])).not.toThrow();
    expect(() => checkPatternExemptionsProtected('Compiler', [circular('arn:aws:iam::*:role/GuardrailsBreakGlass')])).not.toThrow();
  });
});

describe("CDK's default qualifier is never exempt in every account (R9-1)", () => {
  // A role of the default qualifier exists wherever a team ran a plain `cdk bootstrap`, before the SCPs
  // were attached: a protection denies creating such a role, not the ones that exist. In an account the
  // SCPs govern and the configuration does not list, its admin updates a stack of its own, and
  // CloudFormation runs the template as cdk-hnb659fds-cfn-exec-role-<account>-<region>.
  const refused = [
    'arn:aws:iam::*:role/cdk-hnb659fds-cfn-exec-role-*-eu-west-1',
    'arn:aws:iam::*:role/cdk-hnb659fds-*',
    'arn:aws:iam::*:role/cdk-*-cfn-exec-role-*',
    'arn:aws:iam::*:role/c?k-hnb659fds-deploy-role-*',
    'arn:aws:iam::*:role/CDK-HNB659FDS-*',
  ];
  test.each(refused)('%s is refused by every SCP factory, naming the prop', (arn) => {
    expect(CdkBootstrap.patternMatchesDefaultRolesAnywhere(arn)).toBe(true);
    expect(() => ServiceControlPolicy.protectSecurityServices({ exemptPrincipalArns: [arn] })).toThrow(
      /ServiceControlPolicy\.protectSecurityServices: exemptPrincipalArns\[0\]: received '.*'; expected no exemption of CDK's default qualifier's roles \(cdk-hnb659fds-\*\) in every account: bootstrap with a qualifier of your own/,
    );
  });

  test.each(refused)('%s is refused when written or compiled, in a hand-written statement, even protected', (arn) => {
    // The takeover protection alone would pass it: the deny covers every role the pattern matches.
    const protectedPattern = {
      name: 'custom',
      toJson: () =>
        JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'Protect',
              Effect: 'Deny',
              Action: ['iam:*', 'sts:AssumeRole'],
              Resource: 'arn:*:iam::*:role/*',
              Condition: { ArnNotEquals: { 'aws:PrincipalARN': ['arn:aws:iam::111111111111:role/deployer'] } },
            },
            { Sid: 'NoStopLogging', Effect: 'Deny', Action: 'cloudtrail:StopLogging', Resource: '*', Condition: { ArnNotLike: { 'aws:PrincipalARN': [arn] } } },
          ],
        }),
    };
    expect(() => checkPatternExemptionsProtected('Compiler', [protectedPattern])).toThrow(
      /Compiler: policies: received the exemption pattern '.*' in custom \(NoStopLogging\); expected no exemption of CDK's default qualifier's roles/,
    );
    // mutation: the same document with a qualifier of one's own passes the check
    const own = { name: 'custom', toJson: () => protectedPattern.toJson().split(arn).join('arn:aws:iam::*:role/cdk-grdprod-cfn-exec-role-*') };
    expect(() => checkPatternExemptionsProtected('Compiler', [own])).not.toThrow();
  });

  test("control: the default qualifier's roles of a named account, and another qualifier in every account, are accepted", () => {
    for (const arn of [
      'arn:aws:iam::111111111111:role/cdk-hnb659fds-cfn-exec-role-111111111111-eu-west-1',
      'arn:aws:iam::111111111111:role/cdk-hnb659fds-*',
      'arn:aws:iam::*:role/cdk-grdprod-cfn-exec-role-*-eu-west-1',
      'arn:aws:iam::*:role/GuardrailsBreakGlass',
    ]) {
      expect(CdkBootstrap.patternMatchesDefaultRolesAnywhere(arn)).toBe(false);
      expect(() => ServiceControlPolicy.protectSecurityServices({ exemptPrincipalArns: [arn] })).not.toThrow();
    }
  });

  test('protectGuardrailResources: with stackDeployerArns, a qualifier of your own is required (its publishing and execution roles are exempt in every account)', () => {
    const base = { administratorArns: ['arn:aws:iam::111111111111:role/exec'], stackDeployerArns: ['arn:aws:iam::111111111111:role/deployer'] };
    expect(() => ServiceControlPolicy.protectGuardrailResources(base)).toThrow(
      /ServiceControlPolicy\.protectGuardrailResources: cdkBootstrapQualifier: received nothing, with stackDeployerArns; expected the qualifier of your own CDK bootstrap/,
    );
    expect(() => ServiceControlPolicy.protectGuardrailResources({ ...base, cdkBootstrapQualifier: 'hnb659fds' })).toThrow(
      /cdkBootstrapQualifier: received 'hnb659fds', CDK's default qualifier/,
    );
    const json = ServiceControlPolicy.protectGuardrailResources({ ...base, cdkBootstrapQualifier: 'grdprod' }).toJson();
    expect(json).toContain('arn:*:iam::*:role/cdk-grdprod-cfn-exec-role-*');
    expect(json).not.toContain('hnb659fds');
    // without deployers the qualifier is unused, and not required
    expect(() => ServiceControlPolicy.protectGuardrailResources({ administratorArns: base.administratorArns })).not.toThrow();
  });
});

describe('checkPatternExemptionsProtected: the exceptions of a protection (red3)', () => {
  const TAKEOVER = ['iam:CreateRole', 'iam:UpdateAssumeRolePolicy', 'iam:AttachRolePolicy', 'iam:PutRolePolicy', 'iam:PassRole', 'sts:AssumeRole'];
  const EXEMPT = 'arn:aws:iam::*:role/break-glass';
  const withProtection = (condition: Record<string, Record<string, string | string[]>>) => ({
    name: 'custom',
    toJson: () =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'Protect', Effect: 'Deny', Action: TAKEOVER, Resource: 'arn:*:iam::*:role/break-glass', Condition: condition },
          {
            Sid: 'NoStopLogging',
            Effect: 'Deny',
            Action: 'cloudtrail:StopLogging',
            Resource: '*',
            Condition: { ArnNotEquals: { 'aws:PrincipalARN': [EXEMPT] } },
          },
        ],
      }),
  });

  test.each(['*', 'arn:aws:iam::*:role/*', 'arn:*:iam::*:*', 'arn:aws:iam::111111111111:role/a*'])(
    "a protection that excepts the pattern %s by ArnNotLike ('*' excepts everyone) does not count: the pattern is an exemption itself, refused",
    (pattern) => {
      const policy = withProtection({ ArnNotLike: { 'aws:PrincipalARN': [pattern] } });
      // Refused on the protection's own exception (its shape, or it has no protection of its own).
      const escaped = pattern.replace(/[*/]/g, (c) => `\\${c}`);
      expect(() => checkPatternExemptionsProtected('Compiler', [policy])).toThrow(new RegExp(`exemption pattern '${escaped}' in custom \\(Protect\\)`));
    },
  );

  test.each([
    ['ArnNotEquals', '${aws:PrincipalARN}'],
    ['ArnNotLike', '${aws:PrincipalARN}'],
    ['ArnNotEquals', 'arn:aws:iam::111111111111:role/${aws:PrincipalTag/exempt-as}'],
    ['ArnNotLike', 'arn:aws:iam::111111111111:role/${aws:PrincipalTag/exempt-as}'],
  ])('a protection that excepts by %s the policy variable %s (equal to every caller, or to whoever tags itself) does not count', (operator, value) => {
    expect(() => checkPatternExemptionsProtected('Compiler', [withProtection({ [operator]: { 'aws:PrincipalARN': [value] } })])).toThrow(
      /exemption pattern '.*' in custom \((Protect|NoStopLogging)\)/,
    );
  });

  test('an exemption by policy variable (whoever tags its role exempt-as=<its name>) is refused even where a deny covers it', () => {
    const tagged = 'arn:aws:iam::111111111111:role/b${aws:PrincipalTag/exempt-as}';
    const policy = {
      name: 'custom',
      toJson: () =>
        JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Sid: 'Protect', Effect: 'Deny', Action: TAKEOVER, Resource: 'arn:*:iam::*:role/b*' },
            {
              Sid: 'NoStopLogging',
              Effect: 'Deny',
              Action: 'cloudtrail:StopLogging',
              Resource: '*',
              Condition: { ArnNotEquals: { 'aws:PrincipalARN': [tagged] } },
            },
          ],
        }),
    };
    expect(() => checkPatternExemptionsProtected('Compiler', [policy])).toThrow(
      /exemption pattern '.*\$\{aws:PrincipalTag\/exempt-as\}' in custom \(NoStopLogging\).*without policy variables/s,
    );
  });

  test('the same pattern by ArnNotEquals is an exemption pattern itself: shape-checked, so role/* is refused', () => {
    expect(() => checkPatternExemptionsProtected('Compiler', [withProtection({ ArnNotEquals: { 'aws:PrincipalARN': ['arn:aws:iam::*:role/*'] } })])).toThrow(
      /exemption pattern 'arn:aws:iam::\*:role\/\*' in custom \(Protect\).*role ARN pattern/s,
    );
  });

  test('control: exact principals by ArnNotLike or ArnNotEquals, and a protected pattern by ArnNotEquals, still protect', () => {
    const exact = 'arn:aws:iam::111111111111:role/cdk-grdtest-cfn-exec-role-111111111111-eu-west-1';
    const conditions: Record<string, Record<string, string[]>>[] = [
      { ArnNotLike: { 'aws:PrincipalARN': [exact] } },
      { ArnNotEquals: { 'aws:PrincipalARN': [exact] } },
      { ArnNotEquals: { 'aws:PrincipalARN': [EXEMPT] } },
      {},
    ];
    for (const condition of conditions) {
      expect(() => checkPatternExemptionsProtected('Compiler', [withProtection(condition)])).not.toThrow();
    }
  });
});

describe('the documents checked are the documents written (red3)', () => {
  const protection = () => [
    new iam.PolicyStatement({
      sid: 'DenyAll',
      effect: iam.Effect.DENY,
      actions: ['iam:*Role*', 'sts:AssumeRole*'],
      resources: ['arn:aws:iam::*:role/break-glass'],
    }),
  ];
  /** A subclass whose first toJson() holds the protection, and every later one a harmless statement instead. */
  class Fickle extends ServiceControlPolicy {
    private calls = 0;
    constructor(props: ServiceControlPolicyProps) {
      super(props);
    }
    public toJson(): string {
      return this.calls++ === 0
        ? super.toJson()
        : JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Sid: 'Harmless', Effect: 'Deny', Action: 'iam:CreateAccessKey', Resource: 'arn:aws:iam::*:user/nobody' }],
          });
    }
  }
  const exempting = () => ServiceControlPolicy.denyLongTermCredentials({ exemptPrincipalArns: ['arn:aws:iam::*:role/break-glass'] });
  const everything = (docs: string[]) => docs.flatMap((d) => JSON.parse(d).Statement.map((s: any) => s.Sid));

  test('the compiler packs the text it checked: a toJson() that drops the protection on a second call cannot slip it out', () => {
    const out = OrganizationPolicyCompiler.compileServiceControlPolicies([exempting(), new Fickle({ name: 'fickle', statements: protection() })]);
    expect(everything(out.map((c) => c.toJson()))).toEqual(expect.arrayContaining(['DenyAccessKeyCreation', 'DenyAll']));
    expect(everything(out.map((c) => c.toJson()))).not.toContain('Harmless');
  });

  test('ServiceControlPolicy.writeFiles writes the text it checked', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scp-'));
    const files = ServiceControlPolicy.writeFiles(dir, [exempting(), new Fickle({ name: 'fickle', statements: protection() })]);
    expect(everything(files.map((f) => fs.readFileSync(f, 'utf8')))).toEqual(['DenyAccessKeyCreation', 'DenyAll']);
  });

  test('control: a plain protection compiles and writes as before', () => {
    const plain = new ServiceControlPolicy({ name: 'plain', statements: protection() });
    const out = OrganizationPolicyCompiler.compileServiceControlPolicies([exempting(), plain]);
    expect(everything(out.map((c) => c.toJson())).sort()).toEqual(['DenyAccessKeyCreation', 'DenyAll']);
  });
});

describe('checkPatternExemptionsProtected: an exemption under any negated operator (red3 A2)', () => {
  const TAKEOVER = ['iam:CreateRole', 'iam:UpdateAssumeRolePolicy', 'iam:AttachRolePolicy', 'iam:PutRolePolicy', 'iam:PassRole', 'sts:AssumeRole'];
  const EXEMPT = 'arn:aws:iam::*:role/deployer-*';
  const custom = (operator: string, protect: boolean) => ({
    name: 'custom',
    toJson: () =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          ...(protect ? [{ Sid: 'Protect', Effect: 'Deny', Action: TAKEOVER, Resource: 'arn:*:iam::*:role/deployer-*' }] : []),
          {
            Sid: 'NoStopLogging',
            Effect: 'Deny',
            Action: 'cloudtrail:StopLogging',
            Resource: '*',
            Condition: { [operator]: { 'AWS:PrincipalArn': [EXEMPT] } },
          },
        ],
      }),
  });
  const OPERATORS = [
    'ArnNotLike',
    'ArnNotEqualsIfExists',
    'ArnNotLikeIfExists',
    'StringNotLike',
    'StringNotLikeIfExists',
    'StringNotEquals',
    'StringNotEqualsIgnoreCase',
    'ForAllValues:ArnNotLike',
    'ForAnyValue:StringNotLike',
    'arnNotEquals',
  ];

  test.each(OPERATORS)('%s: an unprotected pattern exemption is refused (anyone who creates deployer-x would be exempt)', (operator) => {
    expect(() => checkPatternExemptionsProtected('Compiler', [custom(operator, false)])).toThrow(
      /exemption pattern 'arn:aws:iam::\*:role\/deployer-\*' in custom \(NoStopLogging\) with no statement that protects it/,
    );
  });

  test.each(OPERATORS)('control: %s with a protection passes', (operator) => {
    expect(() => checkPatternExemptionsProtected('Compiler', [custom(operator, true)])).not.toThrow();
  });

  test('control: an exemption in an Allow, or a positive condition (ArnLike: the deny hits the pattern), is not an exemption', () => {
    const statements = (s: object) => ({ name: 'custom', toJson: () => JSON.stringify({ Version: '2012-10-17', Statement: [s] }) });
    const allow = { Sid: 'A', Effect: 'Allow', Action: '*', Resource: '*', Condition: { ArnNotLike: { 'aws:PrincipalARN': [EXEMPT] } } };
    const denyPattern = { Sid: 'D', Effect: 'Deny', Action: '*', Resource: '*', Condition: { ArnLike: { 'aws:PrincipalARN': [EXEMPT] } } };
    expect(() => checkPatternExemptionsProtected('Compiler', [statements(allow), statements(denyPattern)])).not.toThrow();
  });
});
