import { parseConfig } from '../src';
import { problemsOf, validConfig } from './support/configs';

describe('securityAccount.unusedAccessAnalyzer', () => {
  test('defaults: on, 90 days', () => {
    expect(parseConfig(validConfig(), 'dev').securityAccount.unusedAccessAnalyzer).toEqual({ enabled: true, trackingPeriodDays: 90 });
  });

  test.each([1, 365])('accepts %i days', (days) => {
    const raw = validConfig();
    raw.securityAccount.unusedAccessAnalyzer = { trackingPeriodDays: days };
    expect(parseConfig(raw, 'dev').securityAccount.unusedAccessAnalyzer.trackingPeriodDays).toBe(days);
  });

  test.each([0, 366, 30.5])('fails if the tracking period is %s days', (days) => {
    const raw = validConfig();
    raw.securityAccount.unusedAccessAnalyzer = { trackingPeriodDays: days };
    expect(problemsOf(raw)).toContain(
      `securityAccount.unusedAccessAnalyzer.trackingPeriodDays: received ${days}; expected whole days from 1 to 365 (UnusedAccessAge of IAM Access Analyzer)`,
    );
  });
});

describe('policyValidation.accessNotGranted', () => {
  test('defaults to kms:PutKeyPolicy and iam:PassRole', () => {
    expect(parseConfig(validConfig(), 'dev').policyValidation).toEqual({ accessNotGranted: ['kms:PutKeyPolicy', 'iam:PassRole'] });
  });

  test('fails on something that is not an IAM action, naming the entry', () => {
    const raw = validConfig();
    raw.policyValidation = { accessNotGranted: ['kms:PutKeyPolicy', 'PassRole'] };
    expect(problemsOf(raw)).toMatch(/policyValidation\.accessNotGranted\[1\]: received "PassRole"; expected an IAM action such as "kms:PutKeyPolicy"/);
  });
});
