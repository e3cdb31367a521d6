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

describe('EbsEncryptionByDefault', () => {
  test('one custom resource asks the settings function to enable EBS encryption by default with the given key ARN', () => {
    const s = stack();
    new EbsEncryptionByDefault(s, 'Ebs', { key: kms.Key.fromKeyArn(s, 'Key', KEY_ARN) });
    const template = Template.fromStack(s);
    template.resourceCountIs('Custom::EbsEncryptionByDefault', 1);
    template.hasResourceProperties('Custom::EbsEncryptionByDefault', {
      Setting: 'EbsEncryptionByDefault',
      KmsKeyId: KEY_ARN,
      ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GuardrailsAccountSettingsFunction'), 'Arn'] },
    });
  });

  test('the function is inline (no asset, so StackSets accept it) and within the 4,096-character ZipFile limit', () => {
    const s = stack();
    new EbsEncryptionByDefault(s, 'Ebs', { key: kms.Key.fromKeyArn(s, 'Key', KEY_ARN) });
    const [fn] = Object.values(Template.fromStack(s).findResources('AWS::Lambda::Function'));
    expect(fn.Properties.Code.S3Bucket).toBeUndefined();
    expect(fn.Properties.Code.ZipFile).toContain('ModifyEbsDefaultKmsKeyIdCommand');
    expect(fn.Properties.Code.ZipFile.length).toBeLessThanOrEqual(4096);
    expect(fn.Properties.Runtime).toBe('nodejs24.x');
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
    const [, key] = Object.entries(template.findResources('Custom::EbsEncryptionByDefault'))[0];
    expect(JSON.stringify(key.Properties.KmsKeyId)).toContain(s.getLogicalId(keys.dataKey.node.defaultChild as any));
  });

  test("the provider's role may only enable and set the key; it is outside the boundary and protected", () => {
    const s = stack();
    new EbsEncryptionByDefault(s, 'Ebs', { key: kms.Key.fromKeyArn(s, 'Key', KEY_ARN), functionName: 'guardrails-account-settings' });
    const template = Template.fromStack(s);
    const actions = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p: any) =>
      p.Properties.PolicyDocument.Statement.flatMap((st: any) => st.Action),
    );
    expect(actions.sort()).toEqual(['ec2:EnableEbsEncryptionByDefault', 'ec2:ModifyEbsDefaultKmsKeyId']);
    template.hasResourceProperties('AWS::IAM::Role', { Tags: Match.arrayWith([{ Key: 'guardrails:protected', Value: 'true' }]) });
    template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'guardrails-account-settings' });
    expect(s.node.findAll().filter((c) => c.node.metadata.some((m) => m.type === 'cdk-guardrails:permissions-boundary-opt-out'))).toHaveLength(1);
  });

  test('an environment-agnostic stack keeps a key of any account or region (nothing to compare with)', () => {
    const s = new Stack(new App(), 'Agnostic');
    const foreign = kms.Key.fromKeyArn(s, 'Key', 'arn:aws:kms:us-east-1:222222222222:key/11111111-2222-3333-4444-555555555555');
    expect(() => new EbsEncryptionByDefault(s, 'Ebs', { key: foreign })).not.toThrow();
  });

  test('a key created in the stack passes; its alias is refused', () => {
    const s = stack();
    const key = new kms.Key(s, 'Key');
    expect(() => new EbsEncryptionByDefault(s, 'Ebs', { key })).not.toThrow();
    expect(() => new EbsEncryptionByDefault(s, 'Ebs2', { key: key.addAlias('alias/ebs') })).toThrow(
      /^Stack\/Ebs2: key: received the alias Stack\/Key\/Alias; expected a customer managed KMS key, not an alias/,
    );
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
