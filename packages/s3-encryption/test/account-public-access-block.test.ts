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
  test('turns on all four account-level settings on create and update (S3 Control PutPublicAccessBlock)', () => {
    const { template } = build();
    const resources = template.findResources('Custom::AccountPublicAccessBlock');
    const [resource] = Object.values(resources);
    const create = JSON.parse(resource.Properties.Create['Fn::Join'] ? resource.Properties.Create['Fn::Join'][1].join('') : resource.Properties.Create);
    expect(create).toMatchObject({
      service: 'S3Control',
      action: 'putPublicAccessBlock',
      parameters: {
        AccountId: ACCOUNT,
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
      },
    });
    expect(resource.Properties.Update).toEqual(resource.Properties.Create);
    // Leaving the stack leaves the guardrail on.
    expect(resource.Properties.Delete).toBeUndefined();
  });

  test("the provider's role may only PutAccountPublicAccessBlock", () => {
    build().template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 's3:PutAccountPublicAccessBlock', Effect: 'Allow', Resource: '*' }] },
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
