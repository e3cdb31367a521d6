import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { EbsEncryptionByDefault, KeyHierarchy, KeySource } from '../lib';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;

function stack() {
  return new Stack(new App(), 'Stack', { env: { account: ACCOUNT, region: REGION } });
}

function sdkCall(template: Template, type: string): any {
  const [resource] = Object.values(template.findResources(type));
  const create = resource.Properties.Create;
  return { create: typeof create === 'string' ? JSON.parse(create) : create, resource };
}

describe('EbsEncryptionByDefault', () => {
  test('enables EBS encryption by default, then sets the default key to the given key ARN', () => {
    const s = stack();
    new EbsEncryptionByDefault(s, 'Ebs', { key: kms.Key.fromKeyArn(s, 'Key', KEY_ARN) });
    const template = Template.fromStack(s);
    const enable = sdkCall(template, 'Custom::EbsEncryptionByDefault');
    expect(enable.create).toMatchObject({ service: 'EC2', action: 'enableEbsEncryptionByDefault' });
    expect(enable.resource.Properties.Update).toEqual(enable.resource.Properties.Create);
    expect(enable.resource.Properties.Delete).toBeUndefined();
    const key = sdkCall(template, 'Custom::EbsDefaultKmsKeyId');
    expect(key.create).toMatchObject({ service: 'EC2', action: 'modifyEbsDefaultKmsKeyId', parameters: { KmsKeyId: KEY_ARN } });
    expect(key.resource.Properties.Delete).toBeUndefined();
    // The key is set after encryption by default is on.
    expect(JSON.stringify(key.resource.DependsOn)).toMatch(/EbsEnable/);
  });

  test('with the data key of a KeyHierarchy: the key ARN is the data key (a reference, not an alias)', () => {
    const s = stack();
    const keys = new KeyHierarchy(s, 'Keys', {
      dataKey: KeySource.create(),
      secretsKey: KeySource.create(),
      logsKey: KeySource.create(),
      additionalDataKeyServices: ['ec2'],
    });
    new EbsEncryptionByDefault(s, 'Ebs', { key: keys.dataKey });
    const template = Template.fromStack(s);
    const [, key] = Object.entries(template.findResources('Custom::EbsDefaultKmsKeyId'))[0];
    expect(JSON.stringify(key.Properties.Create)).toContain(s.getLogicalId(keys.dataKey.node.defaultChild as any));
  });

  test("the provider's role may only enable and set the key; it is outside the boundary and protected", () => {
    const s = stack();
    new EbsEncryptionByDefault(s, 'Ebs', { key: kms.Key.fromKeyArn(s, 'Key', KEY_ARN), functionName: 'guardrails-account-settings' });
    const template = Template.fromStack(s);
    const actions = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p: any) =>
      p.Properties.PolicyDocument.Statement.map((st: any) => st.Action),
    );
    expect(actions.sort()).toEqual(['ec2:EnableEbsEncryptionByDefault', 'ec2:ModifyEbsDefaultKmsKeyId']);
    template.hasResourceProperties('AWS::IAM::Role', { Tags: Match.arrayWith([{ Key: 'guardrails:protected', Value: 'true' }]) });
    template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'guardrails-account-settings' });
    expect(s.node.findAll().filter((c) => c.node.metadata.some((m) => m.type === 'cdk-guardrails:permissions-boundary-opt-out'))).toHaveLength(1);
  });

  test('fails if the key is given by alias', () => {
    const s = stack();
    expect(() => new EbsEncryptionByDefault(s, 'Ebs', { key: kms.Key.fromKeyArn(s, 'A', `arn:aws:kms:${REGION}:${ACCOUNT}:alias/data`) })).toThrow(
      /Stack\/Ebs: key: received .*alias.*; expected a key ARN/,
    );
  });

  test('the tamper actions are the three EC2 calls that switch it off or re-key it', () => {
    expect(EbsEncryptionByDefault.TAMPER_ACTIONS).toEqual(['ec2:DisableEbsEncryptionByDefault', 'ec2:ModifyEbsDefaultKmsKeyId', 'ec2:ResetEbsDefaultKmsKeyId']);
  });
});
