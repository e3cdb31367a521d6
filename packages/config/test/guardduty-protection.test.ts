import { loadConfig, parseConfig } from '../src';
import { CONFIG_DIR, problemsOf, validConfig } from './support/configs';

describe('detectiveControls.guardDutyProtection', () => {
  test('defaults: EKS audit logs and EBS malware protection on, the feature-only plans left unset, no agent management', () => {
    const config = parseConfig(validConfig(), 'dev');
    const expected = { eksAuditLogs: true, ebsMalwareProtection: true, eksAgentManagement: false, ecsFargateAgentManagement: false, ec2AgentManagement: false };
    expect(config.detectiveControls.guardDutyProtection).toEqual(expected);
    expect(config.securityAccount.detectiveControls.guardDutyProtection).toEqual(expected);
  });

  test('the shipped configs keep the detector in the form CT.GUARDDUTY.PR.1 checks (no feature-only plan set)', () => {
    for (const env of ['dev', 'staging', 'prod']) {
      const config = loadConfig(env, { configDir: CONFIG_DIR });
      for (const plans of [config.detectiveControls.guardDutyProtection, config.securityAccount.detectiveControls.guardDutyProtection]) {
        expect(plans).toMatchObject({ eksAuditLogs: true, ebsMalwareProtection: true });
        expect([plans.rdsLoginEvents, plans.lambdaNetworkLogs, plans.runtimeMonitoring]).toEqual([undefined, undefined, undefined]);
      }
    }
  });

  test('every plan can be set', () => {
    const raw = validConfig();
    raw.detectiveControls = {
      guardDutyProtection: { eksAuditLogs: false, rdsLoginEvents: true, lambdaNetworkLogs: false, runtimeMonitoring: true, ecsFargateAgentManagement: true },
    };
    expect(parseConfig(raw, 'dev').detectiveControls.guardDutyProtection).toMatchObject({
      eksAuditLogs: false,
      ebsMalwareProtection: true,
      rdsLoginEvents: true,
      lambdaNetworkLogs: false,
      runtimeMonitoring: true,
      ecsFargateAgentManagement: true,
    });
  });

  test('fails if S3 protection is switched off', () => {
    const raw = validConfig();
    raw.securityAccount.detectiveControls = { guardDutyProtection: { s3Protection: false } };
    expect(problemsOf(raw)).toContain(
      'securityAccount.detectiveControls.guardDutyProtection.s3Protection: received false; expected true or nothing: S3 protection is the AWS Control Tower guardrail CT.GUARDDUTY.PR.1',
    );
  });

  test.each(['eksAgentManagement', 'ecsFargateAgentManagement', 'ec2AgentManagement'])('fails if %s is on without Runtime Monitoring', (field) => {
    const raw = validConfig();
    raw.detectiveControls = { guardDutyProtection: { [field]: true } };
    expect(problemsOf(raw)).toContain(
      `detectiveControls.guardDutyProtection.${field}: received true; expected false unless runtimeMonitoring is true (runtimeMonitoring is not set)`,
    );
  });

  test('fails if a plan is not a boolean, naming the field', () => {
    const raw = validConfig();
    raw.detectiveControls = { guardDutyProtection: { rdsLoginEvents: 'yes' } };
    expect(problemsOf(raw)).toMatch(/detectiveControls\.guardDutyProtection\.rdsLoginEvents: received "yes"; expected/);
  });

  test('fails on an unknown plan name', () => {
    const raw = validConfig();
    raw.detectiveControls = { guardDutyProtection: { s3DataEvents: false } };
    expect(problemsOf(raw)).toContain('detectiveControls.guardDutyProtection.s3DataEvents: received an unknown field');
  });
});
