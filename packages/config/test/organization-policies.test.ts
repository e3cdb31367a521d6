import { parseConfig } from '../src';
import { problemsOf, validConfig } from './support/configs';

describe('config organizationPolicies', () => {
  test('defaults: one target with FullAWSAccess and RCPFullAWSAccess counted, SSE-C and IMDSv2 switched on, no trusted account', () => {
    expect(parseConfig(validConfig(), 'dev').organizationPolicies).toEqual({
      trustedAccountIds: [],
      targets: [{ name: 'environment', scpSlotsUsed: 1, rcpSlotsUsed: 1 }],
      denySseC: true,
      requireImdsV2: true,
    });
  });

  test('organizationId must be an AWS Organizations id', () => {
    expect(problemsOf({ ...validConfig(), organizationId: 'o-123' })).toMatch(/organizationId.*expected an AWS Organizations id/);
    expect(parseConfig({ ...validConfig(), organizationId: 'o-a1b2c3d4e5' }, 'dev').organizationId).toBe('o-a1b2c3d4e5');
  });

  test('trusted accounts need organizationId (they only take effect in the RCPs)', () => {
    expect(problemsOf({ ...validConfig(), organizationPolicies: { trustedAccountIds: ['999988887777'] } })).toMatch(
      /organizationPolicies\.trustedAccountIds.*no trusted accounts without organizationId/,
    );
  });

  test("a trusted account may not be one of the environment's own", () => {
    expect(problemsOf({ ...validConfig(), organizationId: 'o-a1b2c3d4e5', organizationPolicies: { trustedAccountIds: ['222222222222'] } })).toMatch(
      /organizationPolicies\.trustedAccountIds\[0\].*an account outside the environment/,
    );
  });

  test('with organizationId, an account a cross-account role trusts must be a trusted account of the RCPs (else the perimeter denies its AssumeRole)', () => {
    const vendorRole = { name: 'vendor-audit', trustedAccountIds: ['999988887777'], externalId: 'vendor-external-id' };
    const config = { ...validConfig(), organizationId: 'o-a1b2c3d4e5', iam: { crossAccountRoles: [vendorRole] } };
    expect(problemsOf(config)).toMatch(
      /iam\.crossAccountRoles\[0\]\.trustedAccountIds\[0\]: received "999988887777"; expected an account also listed in organizationPolicies\.trustedAccountIds/,
    );
    // control: listed, or no organizationId (no RCPs written), it passes
    expect(() => parseConfig({ ...config, organizationPolicies: { trustedAccountIds: ['999988887777'] } }, 'dev')).not.toThrow();
    expect(() => parseConfig({ ...validConfig(), iam: { crossAccountRoles: [vendorRole] } }, 'dev')).not.toThrow();
  });

  test.each([
    ['more than 5 slots used', { targets: [{ name: 'ou-prod', scpSlotsUsed: 6 }] }, /scpSlotsUsed.*at most 5 policies/],
    ['a target name with a slash', { targets: [{ name: 'ou/prod' }] }, /targets\[0\]\.name/],
    ['the same target twice', { targets: [{ name: 'a' }, { name: 'a' }] }, /each target name once/],
    ['no target', { targets: [] }, /at least one target/],
  ])('refuses %s', (_n, organizationPolicies, error) => {
    expect(problemsOf({ ...validConfig(), organizationPolicies })).toMatch(error);
  });
});
