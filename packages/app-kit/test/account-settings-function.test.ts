import { AccountSettingsHandler } from '@cdk-guardrails/facts';
import { EbsEncryptionByDefault } from '@cdk-guardrails/kms-hierarchy';
import { AccountPublicAccessBlock } from '@cdk-guardrails/s3-encryption';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';

const KEY_ARN = 'arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555';
const FUNCTION_NAME = 'guardrails-account-settings';

function stack() {
  return new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
}

function functions(s: Stack): any[] {
  return Object.values(Template.fromStack(s).findResources('AWS::Lambda::Function'));
}

// kms-hierarchy and s3-encryption each create the settings function (construct packages do not depend
// on each other), both with the one handler of @cdk-guardrails/facts; whichever creates the stack's one
// function first, it must serve both settings.
describe('the account settings function shared by kms-hierarchy and s3-encryption', () => {
  test('both packages create the same inline code, which handles both settings', () => {
    const ebsOnly = stack();
    new EbsEncryptionByDefault(ebsOnly, 'Ebs', { key: kms.Key.fromKeyArn(ebsOnly, 'Key', KEY_ARN), functionName: FUNCTION_NAME });
    const bpaOnly = stack();
    new AccountPublicAccessBlock(bpaOnly, 'Bpa', { functionName: FUNCTION_NAME });
    const [ebsCode, bpaCode] = [functions(ebsOnly)[0].Properties.Code.ZipFile, functions(bpaOnly)[0].Properties.Code.ZipFile];
    expect(ebsCode).toEqual(bpaCode);
    expect(ebsCode).toEqual(AccountSettingsHandler.CODE);
    expect(ebsCode).toMatch(/EbsEncryptionByDefault/);
    expect(ebsCode).toMatch(/AccountPublicAccessBlock/);
  });

  test('with both settings, one function whose role may make exactly the settings calls', () => {
    const s = stack();
    new AccountPublicAccessBlock(s, 'Bpa', { functionName: FUNCTION_NAME });
    new EbsEncryptionByDefault(s, 'Ebs', { key: kms.Key.fromKeyArn(s, 'Key', KEY_ARN), functionName: FUNCTION_NAME });
    expect(functions(s)).toHaveLength(1);
    const statements = Object.values(Template.fromStack(s).findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements.flatMap((st: any) => st.Action).sort()).toEqual([
      'ec2:EnableEbsEncryptionByDefault',
      'ec2:ModifyEbsDefaultKmsKeyId',
      's3:PutAccountPublicAccessBlock',
    ]);
    expect(statements.every((st: any) => st.Effect === 'Allow' && st.Resource === '*')).toBe(true);
  });
});
