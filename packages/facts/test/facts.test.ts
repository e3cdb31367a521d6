import { DefaultLogClass, ExemptionReason, IamEvents, MinimumTls, SecurityHubStandard } from '../lib';

describe('DefaultLogClass', () => {
  const table: [DefaultLogClass, string, number][] = [
    [DefaultLogClass.AUDIT, 'audit', 3653],
    [DefaultLogClass.SECURITY, 'security', 90],
    [DefaultLogClass.APP, 'app', 30],
  ];
  test.each(table)('%#: %s keeps %d days', (cls, name, days) => {
    expect(cls.name).toBe(name);
    expect(cls.retentionDays).toBe(days);
    expect(DefaultLogClass.of(name)).toBe(cls);
  });

  const names: [string, boolean][] = [
    ['/guardrails/audit/cloudtrail', true],
    ['audit', true],
    ['/x/audit', true],
    ['/guardrails/auditor/x', false],
    ['/guardrails/pre-audit/x', false],
  ];
  test.each(names)('audit name pattern on %s: %s', (name, matches) => {
    expect(new RegExp(DefaultLogClass.AUDIT.logGroupNamePattern).test(name)).toBe(matches);
  });

  test('ALL lists audit, security, app', () => {
    expect(DefaultLogClass.ALL.map((c) => c.name)).toEqual(['audit', 'security', 'app']);
  });

  test('fails on an unknown class, naming it and the classes allowed', () => {
    expect(() => DefaultLogClass.of('debug')).toThrow(/^DefaultLogClass\.of: name: received "debug"; expected one of audit, security, app$/);
  });
});

describe('IamEvents, MinimumTls', () => {
  test('IAM events reach EventBridge in us-east-1', () => {
    expect(IamEvents.REGION).toBe('us-east-1');
  });
  test('TLS 1.2 at least; bucket policies may require 1.2 or 1.3', () => {
    expect(MinimumTls.VERSION).toBe(1.2);
    expect(MinimumTls.VERSION_TEXT).toBe(String(MinimumTls.VERSION));
    expect(MinimumTls.S3_ALLOWED_VERSIONS).toEqual([1.2, 1.3]);
    expect(MinimumTls.S3_ALLOWED_VERSIONS).toContain(MinimumTls.VERSION);
  });
});

describe('ExemptionReason', () => {
  const reasons: [string, unknown, boolean][] = [
    ['20 characters', 'x'.repeat(20), true],
    ['19 characters', 'x'.repeat(19), false],
    ['padding does not count', `   ${'x'.repeat(19)}   `, false],
    ['a short word', 'legacy app', false],
    ['not a string', 42, false],
    ['undefined', undefined, false],
  ];
  test.each(reasons)('%s: %s', (_name, reason, ok) => {
    expect(ExemptionReason.MIN_LENGTH).toBe(20);
    expect(ExemptionReason.isSufficient(reason as string)).toBe(ok);
  });
});

describe('SecurityHubStandard', () => {
  test('FSBP v1.0.0 and CIS v5.0.0 on by default, PCI DSS v4.0.1 off', () => {
    expect(SecurityHubStandard.ALL.map((s) => [s.name, s.arnPath, s.enabledByDefault])).toEqual([
      ['foundationalBestPractices', 'aws-foundational-security-best-practices/v/1.0.0', true],
      ['cisFoundationsBenchmark', 'cis-aws-foundations-benchmark/v/5.0.0', true],
      ['pciDss', 'pci-dss/v/4.0.1', false],
    ]);
  });
});
