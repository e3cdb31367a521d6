/**
 * Policy budgets at scale (issue 9): what grows with the number of accounts in this package
 * (cross-account trust lists, boundary resource accounts) and the SCP documents of an
 * organization of 1,000 accounts. GIVEN sizes up to 1,000 accounts, THEN every synthesized policy
 * is under its AWS limit, or construction/synth fails naming the limit and the fix.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { resolveIntrinsics } from '@cdk-guardrails/policy-test-kit';
import { CrossAccountRole, PermissionsBoundary, PermissionsBoundaryProps, ServiceControlPolicy } from '../lib';
import { ACCOUNT, OTHER_ACCOUNT, REGION } from './identities/helpers';

const TRUST_POLICY_LIMIT = 2048;
const MANAGED_POLICY_LIMIT = 6144;

const accounts = (n: number) => Array.from({ length: n }, (_v, i) => String(300000000000 + i));
const newStack = () => new Stack(new App(), 'TestStack', { env: { account: ACCOUNT, region: REGION } });

/** Largest n in 1..max for which build(n) does not throw (build is monotonic in n). */
function largestAccepted(max: number, build: (n: number) => void): number {
  let lo = 0;
  let hi = max;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    try {
      build(mid);
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}

/** IAM counts policy size without whitespace: minified JSON of the resolved document. */
const chars = (doc: unknown) => JSON.stringify(resolveIntrinsics(doc, { account: ACCOUNT, region: REGION })).length;

describe('CrossAccountRole trust policy budget', () => {
  /** Builds and synthesizes (the size is checked at synth, on the document as CDK renders it). */
  const role = (stack: Stack, n: number, requireMfa = true) => {
    new CrossAccountRole(stack, 'Role', {
      trustedAccountIds: accounts(n),
      externalId: 'budget-test-external-id-0123456789',
      requireMfa,
      maxSessionDuration: Duration.hours(1),
    });
    return Template.fromStack(stack).toJSON();
  };

  test('fails with 1,000 trusted accounts, naming the prop, the limit and the fix', () => {
    expect(() => role(newStack(), 1000)).toThrow(/trustedAccountIds: received 1000 accounts.*IAM limit of 2048 characters.*Trust fewer accounts/s);
  });

  test('at the boundary: the largest accepted list synthesizes a trust policy within 2,048 characters; one more account fails', () => {
    const boundary = largestAccepted(1000, (n) => role(newStack(), n));
    expect(boundary).toBeGreaterThanOrEqual(5);
    const roles = Object.values<any>(role(newStack(), boundary).Resources).filter((r) => r.Type === 'AWS::IAM::Role');
    expect(roles).toHaveLength(1);
    expect(chars(roles[0].Properties.AssumeRolePolicyDocument)).toBeLessThanOrEqual(TRUST_POLICY_LIMIT);
    expect(() => role(newStack(), boundary + 1)).toThrow(/IAM limit of 2048 characters/);
  });
});

describe('PermissionsBoundary budget', () => {
  const synthBoundary = (n: number) => {
    const stack = newStack();
    new PermissionsBoundary(stack, 'Boundary', { resourceAccountIds: accounts(n) });
    return Template.fromStack(stack).toJSON();
  };

  test('the default boundary does not grow with the organization: it names only its own account', () => {
    const template = synthBoundary(0);
    const policy = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::IAM::ManagedPolicy');
    expect(chars(policy.Properties.PolicyDocument)).toBeLessThanOrEqual(MANAGED_POLICY_LIMIT);
  });

  test('fails at synth with 1,000 resource accounts, naming the 6,144-character limit and the fix', () => {
    expect(() => synthBoundary(1000)).toThrow(/IAM limit for a managed policy is 6144.*fewer services, resourceAccountIds/s);
  });

  test('at the boundary: the largest accepted resourceAccountIds synthesizes within 6,144 characters; one more fails', () => {
    const boundary = largestAccepted(1000, (n) => synthBoundary(n));
    expect(boundary).toBeGreaterThanOrEqual(1);
    const policy = Object.values<any>(synthBoundary(boundary).Resources).find((r) => r.Type === 'AWS::IAM::ManagedPolicy');
    expect(chars(policy.Properties.PolicyDocument)).toBeLessThanOrEqual(MANAGED_POLICY_LIMIT);
    expect(() => synthBoundary(boundary + 1)).toThrow(/6144/);
  });

  // Issue 14 added the guardrail denies (about 800 characters net with the defaults) and exact ARNs
  // (about 50 characters per protected role, about 100 per administrator: it is both protected and
  // exempted). These are the configurations measured for the README.
  describe('with the guardrail roles named (issue 14)', () => {
    const arn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
    const protectedRoles = [
      'break-glass',
      'key-admin',
      'log-admin',
      'AWSCloudFormationStackSetExecutionRole',
      'AWSControlTowerExecution',
      'auditor-access',
    ].map(arn);
    const policyOf = (props: PermissionsBoundaryProps) => {
      const stack = newStack();
      new PermissionsBoundary(stack, 'Boundary', props);
      const policy = Object.values<any>(Template.fromStack(stack).toJSON().Resources).find((r) => r.Type === 'AWS::IAM::ManagedPolicy');
      return chars(policy.Properties.PolicyDocument);
    };
    const appsToday = { resourceAccountIds: [OTHER_ACCOUNT], requiredTagKeys: ['guardrails:environment'] };

    test("the apps' configuration (one resource account with every service, one required tag) still fits", () => {
      expect(policyOf(appsToday)).toBeLessThanOrEqual(MANAGED_POLICY_LIMIT);
    });

    test('one resource account limited to logs, 6 protected roles and 3 administrators among them fit', () => {
      expect(
        policyOf({
          ...appsToday,
          resourceAccountServices: ['logs'],
          protectedPrincipalArns: protectedRoles,
          guardrailAdministratorArns: protectedRoles.slice(0, 3),
        }),
      ).toBeLessThanOrEqual(MANAGED_POLICY_LIMIT);
    });

    // boundedRolePath (issue 14's last escape, and red10 R10-3's stack roles) costs about 450 characters plus twice the path's length;
    // a stack name pattern about 50, a protected policy about 65.
    test("the prod apps' shape: boundedRolePath, one stack pattern, the deployment boundary, one resource account limited to logs, 7 protected roles fit", () => {
      const size = policyOf({
        ...appsToday,
        resourceAccountServices: ['logs'],
        protectedPrincipalArns: [...protectedRoles, arn('guardrails-prod-pipeline')],
        boundedRolePath: '/bounded/',
        protectedStackNames: ['prod-workload-*'],
        protectedPolicyNames: ['GuardrailsDeploymentBoundary'],
      });
      expect(size).toBeLessThanOrEqual(MANAGED_POLICY_LIMIT);
      expect(size).toBeGreaterThan(6000);
    });

    test('one administrator more than fits fails at synth, naming the limit', () => {
      expect(() =>
        policyOf({
          ...appsToday,
          resourceAccountServices: ['logs'],
          protectedPrincipalArns: protectedRoles,
          guardrailAdministratorArns: protectedRoles.slice(0, 4),
          boundedRolePath: '/bounded/',
          protectedStackNames: ['prod-workload-*'],
          protectedPolicyNames: ['GuardrailsDeploymentBoundary'],
        }),
      ).toThrow(/the IAM limit for a managed policy is 6144/);
    });

    test('with boundedRolePath and every service on the resource account, fails at synth naming boundedRolePath', () => {
      expect(() => policyOf({ ...appsToday, boundedRolePath: '/bounded/' })).toThrow(
        /about \d+ characters; the IAM limit for a managed policy is 6144.*boundedRolePath adds about 450 characters/s,
      );
    });

    test('fails at synth, naming the limit and the fix, with every service on the resource account, 6 protected roles and 8 other administrators', () => {
      const admins = Array.from({ length: 8 }, (_v, i) => arn(`guardrails-admin-${i}`));
      expect(() => policyOf({ ...appsToday, protectedPrincipalArns: protectedRoles, guardrailAdministratorArns: admins })).toThrow(
        /about \d+ characters; the IAM limit for a managed policy is 6144.*resourceAccountServices.*fewer protectedPrincipalArns and guardrailAdministratorArns/s,
      );
    });
  });
});

describe('SCP documents of a 1,000-account organization', () => {
  // SCPs do not name accounts: their size depends on regions and exemptions. The worst case is
  // an organization allowed in every region AWS has.
  const everyRegion = RegionInfo.regions.map((r) => r.name).filter((r) => /^[a-z]{2}(-[a-z]+)+-\d$/.test(r));
  const execRole = (a: string, region = 'eu-west-1') => `arn:aws:iam::${a}:role/cdk-hnb659fds-cfn-exec-role-${a}-${region}`;
  const exempt = { exemptPrincipalArns: [execRole(ACCOUNT)] };

  test('every SCP stays under 5,120 characters even when every region is allowed', () => {
    expect(everyRegion.length).toBeGreaterThan(30);
    const policies = [
      ServiceControlPolicy.regionRestriction({ allowedRegions: everyRegion, ...exempt }),
      ServiceControlPolicy.protectSecurityServices(exempt),
      ServiceControlPolicy.denyUnencryptedS3Writes({ requireKms: true }),
      ServiceControlPolicy.denyUnencryptedResourceCreation(),
      ServiceControlPolicy.denyLongTermCredentials(exempt),
    ];
    for (const p of policies) expect(p.toJson().length).toBeLessThanOrEqual(ServiceControlPolicy.MAX_CHARACTERS);
  });

  test('fails naming the limit and the fix when exemptions would push an SCP over 5,120 characters', () => {
    const arns = Array.from({ length: 200 }, (_v, i) => `arn:aws:iam::${accounts(200)[i]}:role/deployer`);
    expect(() => ServiceControlPolicy.regionRestriction({ allowedRegions: everyRegion, exemptPrincipalArns: arns })).toThrow(
      /AWS Organizations limit is 5120\)\. Split it or drop statements/,
    );
  });

  // Exemptions are exact ARNs now (no 'cdk-*' pattern): the documents grow with the number of
  // accounts and regions whose execution roles they name. About 20 fit (18 for
  // protect-security-services, which names them twice); more need one SCP per OU.
  describe('the guardrail SCPs with about 20 exact ARNs (the longest kind: CDK execution role ARNs)', () => {
    const execRoles = accounts(20).map((a) => execRole(a));
    const deployRoles = accounts(10).map((a) => `arn:aws:iam::${a}:role/cdk-hnb659fds-deploy-role-${a}-eu-west-1`);
    const protectedRoles = accounts(6).map((a) => `arn:aws:iam::${a}:role/break-glass`);

    test('protectSecurityServices with 18 exempt execution roles', () => {
      expect(ServiceControlPolicy.protectSecurityServices({ exemptPrincipalArns: execRoles.slice(0, 18) }).sizeInCharacters).toBeLessThanOrEqual(5120);
    });

    test('protectGuardrailResources with 20 administrators', () => {
      expect(ServiceControlPolicy.protectGuardrailResources({ administratorArns: execRoles }).sizeInCharacters).toBeLessThanOrEqual(5120);
    });

    test('protectGuardrailPrincipals with 10 managers, 10 deploy roles, 6 protected roles and 2 pipelines', () => {
      const scp = ServiceControlPolicy.protectGuardrailPrincipals({
        cdkBootstrapQualifier: 'hnb659fds',
        protectedPrincipalArns: protectedRoles,
        managerPrincipalArns: execRoles.slice(0, 10),
        pipelinePrincipalArns: ['arn:aws:iam::333333333333:role/pipeline', 'arn:aws:iam::333333333334:role/pipeline'],
        cdkDeployRoleArns: deployRoles,
      });
      expect(scp.sizeInCharacters).toBeLessThanOrEqual(5120);
    });

    test('fails naming the limit when the exemptions outgrow one SCP', () => {
      const tooMany = accounts(80).map((a) => execRole(a));
      expect(() => ServiceControlPolicy.protectSecurityServices({ exemptPrincipalArns: tooMany })).toThrow(
        /SCP 'protect-security-services' of \d+ characters minified; expected at most 5120 characters minified \(the AWS Organizations limit is 5120\)/,
      );
      expect(() =>
        ServiceControlPolicy.protectGuardrailPrincipals({
          cdkBootstrapQualifier: 'hnb659fds',
          protectedPrincipalArns: protectedRoles,
          managerPrincipalArns: tooMany,
          pipelinePrincipalArns: [],
          cdkDeployRoleArns: [],
        }),
      ).toThrow(/SCP 'protect-guardrail-principals' of \d+ characters minified/);
    });
  });
});
