import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DetectiveControls } from '../lib';

function newStack(): Stack {
  return new Stack(new App(), 'TestStack', { env: { account: '111122223333', region: 'eu-west-1' } });
}
const analyzers = (stack: Stack) => Object.values<any>(Template.fromStack(stack).findResources('AWS::AccessAnalyzer::Analyzer')).map((r) => r.Properties);

describe('unused-access analyzer', () => {
  test('none by default: only the external-access analyzer', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    const controls = new DetectiveControls(stack, 'Detective');

    // THEN
    expect(analyzers(stack)).toEqual([{ Type: 'ACCOUNT' }]);
    expect(controls.unusedAccessAnalyzer).toBeUndefined();
  });

  test('an account unused-access analyzer with the tracking period in days', () => {
    const stack = newStack();

    const controls = new DetectiveControls(stack, 'Detective', { unusedAccessAnalyzer: { trackingPeriod: Duration.days(90) } });

    expect(analyzers(stack)).toEqual(
      expect.arrayContaining([
        { Type: 'ACCOUNT' },
        { Type: 'ACCOUNT_UNUSED_ACCESS', AnalyzerConfiguration: { UnusedAccessConfiguration: { UnusedAccessAge: 90 } } },
      ]),
    );
    expect(controls.unusedAccessAnalyzer).toBeDefined();
  });

  test('an organization unused-access analyzer when an organization id is given, whatever the external-access analyzer', () => {
    const stack = newStack();

    new DetectiveControls(stack, 'Detective', {
      enableAccessAnalyzer: false,
      unusedAccessAnalyzer: { trackingPeriod: Duration.days(365), organizationId: 'o-abcdef1234', analyzerName: 'guardrails-unused-access' },
    });

    expect(analyzers(stack)).toEqual([
      {
        Type: 'ORGANIZATION_UNUSED_ACCESS',
        AnalyzerName: 'guardrails-unused-access',
        AnalyzerConfiguration: { UnusedAccessConfiguration: { UnusedAccessAge: 365 } },
      },
    ]);
  });

  test.each([
    [Duration.days(0), '0 days'],
    [Duration.days(366), '366 days'],
    [Duration.hours(36), '1 day 12 hours'],
  ])('fails if the tracking period is %s (1-365 whole days)', (trackingPeriod, shown) => {
    const stack = newStack();
    expect(() => new DetectiveControls(stack, 'Detective', { unusedAccessAnalyzer: { trackingPeriod } })).toThrow(
      `TestStack/Detective: unusedAccessAnalyzer.trackingPeriod: received ${shown}; expected whole days from 1 to 365 (UnusedAccessAge of IAM Access Analyzer)`,
    );
  });

  test('fails if the organization id or the name is malformed', () => {
    expect(() => new DetectiveControls(newStack(), 'D', { unusedAccessAnalyzer: { trackingPeriod: Duration.days(90), organizationId: 'org-1' } })).toThrow(
      /^TestStack\/D: unusedAccessAnalyzer.organizationId: received 'org-1'; expected an AWS Organizations id/,
    );
    expect(() => new DetectiveControls(newStack(), 'D', { unusedAccessAnalyzer: { trackingPeriod: Duration.days(90), analyzerName: '1bad' } })).toThrow(
      /^TestStack\/D: unusedAccessAnalyzer.analyzerName: received '1bad'/,
    );
  });
});
