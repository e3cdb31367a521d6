import * as iam from 'aws-cdk-lib/aws-iam';
import { findings, freshStack } from './helpers';

describe('IamHumanRoleRequiresMfa', () => {
  const RULE = 'IamHumanRoleRequiresMfa';
  const MFA = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } };

  describe('Compliance', () => {
    test('the own account with Bool aws:MultiFactorAuthPresent true', () => {
      const stack = freshStack();
      new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal().withConditions(MFA) });
      expect(findings(stack, RULE)).toEqual([]);
    });

    test('an IAM user with NumericLessThan aws:MultiFactorAuthAge', () => {
      const stack = freshStack();
      new iam.Role(stack, 'Role', {
        assumedBy: new iam.ArnPrincipal('arn:aws:iam::111111111111:user/alice').withConditions({ NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } }),
      });
      expect(findings(stack, RULE)).toEqual([]);
    });

    test('services, role ARNs, third parties with an external id and SAML federation are not human trust', () => {
      const stack = freshStack();
      new iam.Role(stack, 'Service', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      new iam.Role(stack, 'RoleArn', { assumedBy: new iam.ArnPrincipal('arn:aws:iam::111111111111:role/ci') });
      new iam.Role(stack, 'Partner', { assumedBy: new iam.AccountPrincipal('222222222222'), externalIds: ['partner-7'] });
      new iam.Role(stack, 'Saml', {
        assumedBy: new iam.SamlConsolePrincipal(new iam.SamlProvider(stack, 'Idp', { metadataDocument: iam.SamlMetadataDocument.fromXml('<xml/>') })),
      });
      expect(findings(stack, RULE)).toEqual([]);
    });
  });

  describe('Noncompliance', () => {
    test('the own account without MFA', () => {
      const stack = freshStack();
      new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
      expect(findings(stack, RULE)).toEqual(['TestStack/Role/Resource']);
    });

    test('an IAM user of another account without MFA', () => {
      const stack = freshStack();
      new iam.Role(stack, 'Role', { assumedBy: new iam.ArnPrincipal('arn:aws:iam::222222222222:user/bob') });
      expect(findings(stack, RULE)).toEqual(['TestStack/Role/Resource']);
    });

    test('BoolIfExists passes when the key is absent (access keys): it does not count', () => {
      const stack = freshStack();
      new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal().withConditions({ BoolIfExists: { 'aws:MultiFactorAuthPresent': 'true' } }) });
      expect(findings(stack, RULE)).toEqual(['TestStack/Role/Resource']);
    });

    test('a second Allow without MFA beside one with MFA opens the role', () => {
      const stack = freshStack();
      const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal().withConditions(MFA) });
      role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], principals: [new iam.AccountRootPrincipal()] }));
      expect(findings(stack, RULE)).toEqual(['TestStack/Role/Resource']);
    });

    test('a Deny without MFA does not make the Allow require it; a wildcard action and principal count', () => {
      const stack = freshStack();
      const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
      role.assumeRolePolicy!.addStatements(
        new iam.PolicyStatement({
          effect: iam.Effect.DENY,
          actions: ['sts:AssumeRole'],
          principals: [new iam.AnyPrincipal()],
          conditions: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
        }),
      );
      const wildcard = new iam.Role(stack, 'Wildcard', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      wildcard.assumeRolePolicy!.addStatements(new iam.PolicyStatement({ actions: ['sts:*'], principals: [new iam.AnyPrincipal()] }));
      expect(findings(stack, RULE)).toEqual(['TestStack/Role/Resource', 'TestStack/Wildcard/Resource']);
    });

    test('MultiFactorAuthPresent false, or an MFA age of the wrong operator, does not count', () => {
      const stack = freshStack();
      new iam.Role(stack, 'False', { assumedBy: new iam.AccountRootPrincipal().withConditions({ Bool: { 'aws:MultiFactorAuthPresent': 'false' } }) });
      new iam.Role(stack, 'Age', { assumedBy: new iam.AccountRootPrincipal().withConditions({ NumericGreaterThan: { 'aws:MultiFactorAuthAge': '3600' } }) });
      expect(findings(stack, RULE)).toEqual(['TestStack/False/Resource', 'TestStack/Age/Resource']);
    });
  });
});
