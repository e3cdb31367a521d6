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
import { CrossAccountRole, PermissionsBoundary, ServiceControlPolicy } from '../lib';
import { ACCOUNT, REGION } from './identities/helpers';

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
    try { build(mid); lo = mid; } catch { hi = mid - 1; }
  }
  return lo;
}

/** IAM counts policy size without whitespace: minified JSON of the resolved document. */
const chars = (doc: unknown) => JSON.stringify(resolveIntrinsics(doc, { account: ACCOUNT, region: REGION })).length;

describe('CrossAccountRole trust policy budget', () => {
  /** Builds and synthesizes (the size is checked at synth, on the document as CDK renders it). */
  const role = (stack: Stack, n: number, requireMfa = true) => {
    new CrossAccountRole(stack, 'Role', {
      trustedAccountIds: accounts(n), externalId: 'budget-test-external-id-0123456789', requireMfa, maxSessionDuration: Duration.hours(1),
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
});

describe('SCP documents of a 1,000-account organization', () => {
  // SCPs do not name accounts: their size depends on regions and exemptions. The worst case is
  // an organization allowed in every region AWS has.
  const everyRegion = RegionInfo.regions.map((r) => r.name).filter((r) => /^[a-z]{2}(-[a-z]+)+-\d$/.test(r));
  const exempt = { exemptPrincipalArnPatterns: ['arn:aws:iam::*:role/cdk-*-cfn-exec-role-*'] };

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
    const patterns = Array.from({ length: 200 }, (_v, i) => `arn:aws:iam::${accounts(200)[i]}:role/deployer`);
    expect(() => ServiceControlPolicy.regionRestriction({ allowedRegions: everyRegion, exemptPrincipalArnPatterns: patterns }))
      .toThrow(/AWS Organizations limit is 5120\. Split it or drop statements/);
  });
});
