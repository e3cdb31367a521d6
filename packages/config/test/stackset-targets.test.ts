import { join } from 'node:path';
import { GuardrailsConfig, loadConfig, parseConfig, withStackSetTargets } from '../src';

const CONFIG_DIR = join(__dirname, '..', '..', '..', 'config');
const PROD = loadConfig('prod', { configDir: CONFIG_DIR });
const RAW = JSON.parse(JSON.stringify(PROD));
const TARGETS = {
  organizationalUnitIds: ['ou-ab12-cdef3456'],
  regions: [PROD.securityAccount.regions[0]],
  adminAccountId: '999999999999',
  adminRegion: 'eu-west-1',
};
const withExecRole = (config: GuardrailsConfig) => ({
  ...config,
  principals: { ...config.principals, stackSetExecutionRoleName: 'stacksets-exec-0123456789abcdef' },
});

describe('stackSets targets', () => {
  test('a file section gets the schema defaults', () => {
    const config = parseConfig(
      { ...RAW, principals: { ...RAW.principals, stackSetExecutionRoleName: 'stacksets-exec-0123456789abcdef' }, stackSets: TARGETS },
      'prod',
    );
    expect(config.stackSets).toEqual({ ...TARGETS, callAs: 'SELF', excludedAccountIds: [], maxConcurrentPercentage: 25, failureTolerancePercentage: 0 });
  });

  test('needs the organization and regions with a central destination, naming the field', () => {
    const raw = {
      ...RAW,
      organizationId: undefined,
      principals: { ...RAW.principals, stackSetExecutionRoleName: 'stacksets-exec-0123456789abcdef' },
      stackSets: { ...TARGETS, regions: ['ap-southeast-2'] },
    };
    expect(() => parseConfig(raw, 'prod')).toThrow(/organizationId: received null; expected the AWS Organizations id \(o-\.\.\.\) with stackSets/);
    expect(() => parseConfig(raw, 'prod')).toThrow(/stackSets\.regions\[0\]: received "ap-southeast-2"; expected one of securityAccount\.regions/);
  });

  test('at most 50 organizational units (CreateStackInstances)', () => {
    const ous = (n: number) => Array.from({ length: n }, (_v, i) => `ou-ab12-${String(i).padStart(8, '0')}`);
    expect(withStackSetTargets(withExecRole(PROD), { ...TARGETS, organizationalUnitIds: ous(50) }, 'ctx').stackSets!.organizationalUnitIds).toHaveLength(50);
    expect(() => withStackSetTargets(withExecRole(PROD), { ...TARGETS, organizationalUnitIds: ous(51) }, 'ctx')).toThrow(
      /Invalid configuration in ctx:[\s\S]*organizationalUnitIds: .*expected at most 50 organizational units/,
    );
  });

  test('targets from elsewhere replace the section and pass the same cross-field rules', () => {
    const merged = withStackSetTargets(withExecRole(PROD), TARGETS, 'ctx');
    expect(merged.stackSets!.regions).toEqual(TARGETS.regions);
    expect(() => withStackSetTargets(PROD, TARGETS, 'ctx')).toThrow(/principals\.stackSetExecutionRoleName/);
    expect(() => withStackSetTargets(withExecRole(PROD), { ...TARGETS, regions: ['ap-southeast-2'] }, 'ctx')).toThrow(
      /stackSets\.regions\[0\]: received "ap-southeast-2"/,
    );
  });
});
