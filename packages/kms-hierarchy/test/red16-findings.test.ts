/**
 * red16: the red15 fixes of @cdk-guardrails/kms-hierarchy attacked (R15-1 `administrators` validation, R15-5
 * grants to service principals), by a library user who makes mistakes or a prop value read from a config file.
 *
 * `test.failing` = a finding: the test encodes the secure expectation and fails today.
 * `checked and closed` = the refusal exists and is pinned here.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import { KeyHierarchy, KeyPurpose } from '../lib';
import { ACCOUNT, OTHER_ACCOUNT, newStack, resolvedKeyPolicy } from './helpers';

const SNS = 'sns.amazonaws.com';

describe('red16 findings: kms-hierarchy', () => {
  // R16-8 LOW-MEDIUM (library). `administrators` refuses another account by matching `arn:...:iam::<account>:`
  // only. A role SESSION of another account (`arn:aws:sts::<other>:assumed-role/<role>/<session>`, a principal
  // key policies accept) has no `iam::` and is not compared: it becomes a key administrator (PutKeyPolicy,
  // ScheduleKeyDeletion, DisableKey on every created key) of the other account, whoever there may assume that
  // role with that session name. Likewise `arn:aws:sts::<other>:federated-user/<name>`.
  // Fix: compare the account of every ARN (`/^arn:[^:]*:(iam|sts)::(\d{12}):/`), and refuse sts session ARNs
  // outright (a session is not an administrator: name the role): two lines.
  test('R16-8 fails if administrators names a role session of another account', () => {
    expect(
      () => new KeyHierarchy(newStack(), 'Keys', { administrators: [new iam.ArnPrincipal(`arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/Admin/me`)] }),
    ).toThrow(/administrators\[0\]/);
  });
  test('R16-8 fixed and control: the same role by its IAM ARN is refused, a session of the own account too (sessions expire); the own role ARN passes', () => {
    expect(() => new KeyHierarchy(newStack(), 'Keys', { administrators: [new iam.ArnPrincipal(`arn:aws:iam::${OTHER_ACCOUNT}:role/Admin`)] })).toThrow(
      /administrators\[0\]/,
    );
    expect(() => new KeyHierarchy(newStack(), 'Keys', { administrators: [new iam.ArnPrincipal(`arn:aws:sts::${ACCOUNT}:assumed-role/Admin/me`)] })).toThrow(
      /administrators\[0\]: received 'arn:aws:sts::\d+:assumed-role\/Admin\/me', an STS session ARN/,
    );
    const stack = newStack();
    new KeyHierarchy(stack, 'Keys', { administrators: [new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/Admin`)] });
    expect(JSON.stringify(resolvedKeyPolicy(stack, 'Data'))).toContain(`arn:aws:iam::${ACCOUNT}:role/Admin`);
  });

  // R16-9 LOW-MEDIUM (library). A grant to a service principal needs "aws:SourceAccount, aws:SourceArn or
  // aws:SourceOrgID" (R15-5), but the check only looks for the key NAME under any operator: `StringLike '*'`,
  // `StringNotEquals <another account>`, `StringEqualsIfExists`, `Null false`, a policy variable: all pass, and the
  // service may use the key for any account's resource (the confused deputy R15-5 closed).
  // Fix: require a narrowing operator (StringEquals, StringLike, ArnEquals, ArnLike, without IfExists) with a fixed
  // value, as iam-least-privilege's public-access.ts `conditionNarrowsPrincipal` judges it (the same function,
  // exported from a private module both packages may use, or a copy): a few lines.
  test.each([
    ['StringLike *', { StringLike: { 'aws:SourceAccount': '*' } }],
    ['StringNotEquals another account', { StringNotEquals: { 'aws:SourceAccount': OTHER_ACCOUNT } }],
    ['IfExists', { StringEqualsIfExists: { 'aws:SourceAccount': ACCOUNT } }],
    ['Null', { Null: { 'aws:SourceArn': 'false' } }],
    ['a policy variable', { StringEquals: { 'aws:SourceAccount': '${aws:PrincipalAccount}' } }],
  ])('R16-9 fails if a service principal is scoped by a condition that does not narrow it (%s)', (_name, condition) => {
    const keys = new KeyHierarchy(newStack(), 'Keys');
    expect(() => keys.grantDecrypt(KeyPurpose.DATA, new iam.ServicePrincipal(SNS).withConditions(condition))).toThrow(/aws:SourceAccount/);
  });

  test('R16-9 control: StringEquals, StringLike or ArnLike with a literal value, or a reference, is accepted', () => {
    const stack = newStack();
    const keys = new KeyHierarchy(stack, 'Keys');
    keys.grantDecrypt(KeyPurpose.DATA, new iam.ServicePrincipal(SNS).withConditions({ StringEquals: { 'aws:SourceAccount': ACCOUNT } }));
    keys.grantDecrypt(
      KeyPurpose.SECRETS,
      new iam.ServicePrincipal(SNS).withConditions({ ArnLike: { 'aws:SourceArn': `arn:aws:sns:eu-west-1:${ACCOUNT}:topic` } }),
    );
    keys.grantDecrypt(KeyPurpose.LOGS, new iam.ServicePrincipal(SNS).withConditions({ StringEquals: { 'aws:SourceAccount': stack.account } }));
  });

  describe('checked and closed', () => {
    test('administrators: a wildcard, another account root, a service principal are refused; the own account root and role ARN pass', () => {
      for (const principal of [
        new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/*`),
        new iam.AccountPrincipal(OTHER_ACCOUNT),
        new iam.ServicePrincipal(SNS),
        new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/admins`).withConditions({ StringEquals: { 'aws:PrincipalTag/team': 'keys' } }),
      ]) {
        expect(() => new KeyHierarchy(newStack(), 'Keys', { administrators: [principal] })).toThrow(/administrators\[0\]/);
      }
      new KeyHierarchy(newStack(), 'Keys', {
        administrators: [new iam.AccountRootPrincipal(), new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/key-admins`)],
      });
    });
    test('a service principal without any source condition is refused; with StringEquals aws:SourceAccount it is granted', () => {
      expect(() => new KeyHierarchy(newStack(), 'Keys').grantDecrypt(KeyPurpose.DATA, new iam.ServicePrincipal(SNS))).toThrow(/aws:SourceAccount/);
      new KeyHierarchy(newStack(), 'Keys').grantDecrypt(
        KeyPurpose.DATA,
        new iam.ServicePrincipal(SNS).withConditions({ StringEquals: { 'aws:SourceAccount': ACCOUNT } }),
      );
    });
  });
});
