import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AccountPublicAccessBlock } from '../lib';

const ACCOUNT = '111111111111';

function build(functionName?: string) {
  const stack = new Stack(new App(), 'Stack', { env: { account: ACCOUNT, region: 'eu-west-1' } });
  const bpa = new AccountPublicAccessBlock(stack, 'AccountPublicAccessBlock', { functionName });
  return { stack, bpa, template: Template.fromStack(stack) };
}

describe('AccountPublicAccessBlock', () => {
  test('one custom resource asks the settings function for the account Block Public Access', () => {
    const { template } = build();
    template.hasResourceProperties('Custom::AccountPublicAccessBlock', {
      Setting: 'AccountPublicAccessBlock',
      AccountId: ACCOUNT,
      ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GuardrailsAccountSettingsFunction'), 'Arn'] },
    });
  });

  test('the function is inline (no asset, so StackSets accept it), within the ZipFile limit, on a runtime with the AWS SDK v3', () => {
    const { template } = build();
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(fn.Properties.Code.S3Bucket).toBeUndefined();
    expect(typeof fn.Properties.Code.ZipFile).toBe('string');
    expect(fn.Properties.Code.ZipFile).toContain('PutPublicAccessBlockCommand');
    expect(fn.Properties.Code.ZipFile.length).toBeLessThanOrEqual(4096);
    expect(fn.Properties.Runtime).toBe('nodejs24.x');
  });

  test("the provider's role may only PutAccountPublicAccessBlock", () => {
    build().template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 's3:PutAccountPublicAccessBlock', Effect: 'Allow', Resource: '*' }] },
    });
    // No other policy statement (the role's only other permission is AWSLambdaBasicExecutionRole).
    expect(Object.keys(build().template.findResources('AWS::IAM::Policy'))).toHaveLength(1);
    build().template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: Match.anyValue(),
    });
  });

  test('the provider role is outside the boundary (recorded opt-out) and tagged guardrails:protected', () => {
    const { stack, template } = build();
    template.hasResourceProperties('AWS::IAM::Role', {
      Tags: Match.arrayWith([{ Key: 'guardrails:protected', Value: 'true' }]),
    });
    const roles = stack.node.findAll().filter((c) => c.node.metadata.some((m) => m.type === 'cdk-guardrails:permissions-boundary-opt-out'));
    expect(roles).toHaveLength(1);
  });

  test('functionName names the provider function (so a boundary can protect it by name)', () => {
    build('guardrails-account-settings').template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'guardrails-account-settings' });
  });
});
