import { loadConfig, parseConfig } from '../src';
import { CONFIG_DIR, problemsOf, validConfig } from './support/configs';

describe('securityHub', () => {
  test('defaults: off; FSBP and CIS v5.0.0 when enabled, PCI DSS off; no aggregation', () => {
    expect(parseConfig(validConfig(), 'dev').securityHub).toEqual({
      enabled: false,
      standards: { foundationalBestPractices: true, cisFoundationsBenchmark: true, pciDss: false },
      aggregationRegions: [],
    });
  });

  test('the shipped configs enable it and aggregate every other region of the security account into its first', () => {
    for (const env of ['dev', 'staging', 'prod']) {
      const config = loadConfig(env, { configDir: CONFIG_DIR });
      expect(config.securityHub.enabled).toBe(true);
      expect(config.securityHub.aggregationRegions).toEqual(config.securityAccount.regions.slice(1));
    }
  });

  test('fails if an aggregation region is the aggregation region itself, not a security account region, or named twice', () => {
    const raw = validConfig();
    const [home] = raw.securityAccount.regions;
    raw.securityHub = { enabled: true, aggregationRegions: [home, 'ap-southeast-2'] };
    const problems = problemsOf(raw);
    expect(problems).toContain(`securityHub.aggregationRegions[0]: received "${home}"; expected a region of securityAccount.regions other than ${home}`);
    expect(problems).toContain('securityHub.aggregationRegions[1]: received "ap-southeast-2"; expected a region of securityAccount.regions');
  });

  test('fails if aggregation regions are set with Security Hub off', () => {
    const raw = validConfig();
    raw.securityHub = { enabled: false, aggregationRegions: ['us-east-1'] };
    expect(problemsOf(raw)).toContain(
      'securityHub.aggregationRegions: received ["us-east-1"]; expected an empty list while securityHub.enabled is false (there is no hub to aggregate into)',
    );
  });
});
