/**
 * Policy budgets at scale (issue 9): key policies in an organization of 1,000 accounts.
 * GIVEN a key hierarchy WHEN statements naming N other accounts are added (as cross-account
 * secret readers do) THEN the synthesized key policy stays under 32,768 bytes, or synth fails
 * naming the limit and the fix.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import { Template } from 'aws-cdk-lib/assertions';
import { KeyHierarchy } from '../lib';
import { ACCOUNT, newStack, resolvedKeyPolicy } from './helpers';

const KEY_POLICY_LIMIT = 32768;
const accounts = (n: number) => Array.from({ length: n }, (_v, i) => String(300000000000 + i));

/** A hierarchy whose secrets key allows kms:Decrypt to a reader role in each of n accounts (one statement, as secrets-rotation writes it). */
function withReaders(n: number) {
  const stack = newStack();
  const keys = new KeyHierarchy(stack, 'Keys');
  if (n > 0) {
    const ids = accounts(n);
    keys.secretsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowSecretDecryptByAllowedRoles',
        principals: ids.map((a) => new iam.AccountPrincipal(a)),
        actions: ['kms:Decrypt'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' },
          ArnLike: { 'aws:PrincipalArn': ids.map((a) => `arn:aws:iam::${a}:role/secret-reader`) },
        },
      }),
    );
  }
  Template.fromStack(stack); // runs the validations
  return stack;
}

const bytes = (policy: unknown) => Buffer.byteLength(JSON.stringify(policy), 'utf8');

describe('key policy budgets at 1,000 accounts', () => {
  test('the default key policies do not grow with the organization: they name only their own account', () => {
    const stack = withReaders(0);
    for (const purpose of ['Data', 'Secrets', 'Logs'] as const) {
      const policy = resolvedKeyPolicy(stack, purpose);
      expect(bytes(policy)).toBeLessThan(KEY_POLICY_LIMIT / 4);
      expect([...new Set(JSON.stringify(policy).match(/\b\d{12}\b/g))]).toEqual([ACCOUNT]);
    }
  });

  test('fails at synth when readers in 1,000 accounts are listed, naming the 32,768-byte limit and the fix', () => {
    expect(() => withReaders(1000)).toThrow(
      /key policy of the secrets key would be up to \d+ bytes \(references counted at their longest\); the AWS KMS limit is 32768 bytes\. Allow an organization \(aws:PrincipalOrgID\)/,
    );
  });

  test('at the boundary: the largest accepted list synthesizes a key policy within 32,768 bytes; one more account fails', () => {
    let lo = 0;
    let hi = 1000;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      try {
        withReaders(mid);
        lo = mid;
      } catch {
        hi = mid - 1;
      }
    }
    expect(lo).toBeGreaterThan(50);
    expect(bytes(resolvedKeyPolicy(withReaders(lo), 'Secrets'))).toBeLessThanOrEqual(KEY_POLICY_LIMIT);
    expect(() => withReaders(lo + 1)).toThrow(/AWS KMS limit is 32768 bytes/);
  });
});
