/**
 * Ransomware by foreign key at scale: `DenyS3PutWithForeignKmsKey` lists the accounts whose keys may
 * encrypt objects, a list that grows with the accounts. Beyond one statement it is split by the
 * accounts' last digits (`ServiceControlPolicy.denyForeignKmsKeys`). The split must deny exactly
 * what the single list denies: every SCP document is evaluated together, as AWS does for the SCPs
 * of one account, against the request of an administrator with Allow *:*.
 */
import { evaluate, PolicyJson } from '@cdk-guardrails/policy-test-kit';
import { OrganizationPolicyCompiler, ServiceControlPolicy } from '../../lib';
import { FOREIGN_KEY_STATEMENT_BUDGET, foreignKmsKeyStatements } from '../../lib/identities/private/scp-statements';
import { ACCOUNT, FULL_AWS_ACCESS } from './helpers';

jest.setTimeout(120_000);

const ADMIN = `arn:aws:iam::${ACCOUNT}:role/admin`;
const OBJECT = 'arn:aws:s3:::orders-data/2026/12/04/x.json';
const KEY = (account: string) => `arn:aws:kms:eu-west-1:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

/** Sequential ids (the benchmark's) and ids spread like real ones (a fixed linear congruential sequence). */
const sequential = (n: number) => Array.from({ length: n }, (_, i) => String(300000000000 + i + 1));
function spread(n: number, seed = 7): string[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (x * 48271) % 2147483647;
    return String(100000000000 + ((x * 389) % 899999999999));
  });
}

const docs = (policies: ServiceControlPolicy[]): PolicyJson[] => policies.map((p) => JSON.parse(p.toJson()));
function put(scps: PolicyJson[], keyId?: string) {
  return evaluate({
    identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }],
    serviceControlPolicies: [FULL_AWS_ACCESS, ...scps],
    request: {
      action: 's3:PutObject',
      principal: ADMIN,
      resource: OBJECT,
      resourceAccount: ACCOUNT,
      context: {
        'aws:PrincipalARN': ADMIN,
        's3:x-amz-server-side-encryption': 'aws:kms',
        ...(keyId !== undefined ? { 's3:x-amz-server-side-encryption-aws-kms-key-id': keyId } : {}),
      },
    },
  });
}
/** One SCP with the single, unsplit statement (no size limit here: the reference semantics). */
const reference = (accounts: string[]): PolicyJson => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Deny',
      Action: 's3:PutObject',
      Resource: '*',
      Condition: {
        StringNotLike: { 's3:x-amz-server-side-encryption-aws-kms-key-id': accounts.map((a) => `arn:*:kms:*:${a}:key/*`) },
        Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'false' },
      },
    },
  ],
});

describe.each([
  ['sequential', sequential(300)],
  ['spread', spread(300)],
])('300 %s accounts: the split deny', (_, accounts) => {
  const policies = ServiceControlPolicy.denyForeignKmsKeys({ kmsKeyAccountIds: accounts });
  const scps = docs(policies);
  const statements = scps.flatMap((d) => d.Statement as any[]);

  test('is split into statements of at most the budget, in SCPs within the AWS limit, which the compiler packs', () => {
    expect(policies.length).toBeGreaterThan(1);
    expect(policies.every((p) => p.sizeInCharacters <= ServiceControlPolicy.MAX_CHARACTERS)).toBe(true);
    expect(statements.every((st) => JSON.stringify(st).length <= FOREIGN_KEY_STATEMENT_BUDGET)).toBe(true);
    const compiled = OrganizationPolicyCompiler.compileServiceControlPolicies(policies, { targets: [{ name: 'ou', slotsUsed: 0 }, { name: 'child-ou' }] });
    expect(
      compiled
        .flatMap((c) => JSON.parse(c.toJson()).Statement)
        .map((st: any) => st.Sid)
        .sort(),
    ).toEqual(statements.map((st) => st.Sid).sort());
  });

  test("an object encrypted with a key of any of the accounts, or with the bucket's default key, is allowed", async () => {
    for (const account of accounts) await expect(put(scps, KEY(account))).resolves.toBe('Allowed');
    await expect(put(scps)).resolves.toBe('Allowed');
  });

  test('a key of a foreign account is denied, whatever its last digits; so are a key id and an alias', async () => {
    const foreign = [...Array.from({ length: 100 }, (_, i) => `9999999999${String(i).padStart(2, '0')}`), ...spread(50, 99)].filter(
      (a) => !accounts.includes(a),
    );
    for (const account of foreign) await expect(put(scps, KEY(account))).resolves.toBe('ExplicitlyDenied');
    await expect(put(scps, '1234abcd-12ab-34cd-56ef-1234567890ab')).resolves.toBe('ExplicitlyDenied');
    await expect(put(scps, `arn:aws:kms:eu-west-1:${accounts[0]}:alias/guardrails-data`)).resolves.toBe('ExplicitlyDenied');
  });

  test('decides as the single list does, on the accounts, their neighbours and other keys', async () => {
    const ref = [reference(accounts)];
    const neighbours = accounts.slice(0, 60).flatMap((a) => [String(Number(a) + 1), String(Number(a) - 1), `${a.slice(0, 11)}${(Number(a[11]) + 5) % 10}`]);
    const keys = [...accounts.slice(0, 60).map(KEY), ...neighbours.map(KEY), 'alias/x', `arn:aws:kms:eu-west-1:${accounts[0]}:key`, ''];
    for (const key of keys) {
      await expect(put(scps, key)).resolves.toBe(await put(ref, key));
    }
  });

  test('every statement is needed: without one, some foreign key gets through', async () => {
    for (const st of statements) {
      const without = scps.map((d) => ({ ...d, Statement: (d.Statement as any[]).filter((x) => x.Sid !== st.Sid) }));
      const ending = /^DenyS3PutWithForeignKmsKey(\d+)$/.exec(st.Sid)?.[1];
      const probe =
        st.Sid === 'DenyS3PutWithNonArnKmsKey'
          ? '1234abcd-12ab-34cd-56ef-1234567890ab'
          : KEY(
              ending !== undefined
                ? `${'8'.repeat(12 - ending.length)}${ending}`
                : st.Condition.StringLike['s3:x-amz-server-side-encryption-aws-kms-key-id'][0].split(':')[4].replace(/\?/g, '8'),
            );
      await expect(put(scps, probe)).resolves.toBe('ExplicitlyDenied');
      await expect(put(without, probe)).resolves.toBe('Allowed');
    }
  });
});

describe('the foreign-key deny, small', () => {
  test('one statement, unchanged, while it fits the budget', () => {
    const statements = foreignKmsKeyStatements(sequential(3));
    expect(statements.map((s) => s.toStatementJson())).toEqual([{ Sid: 'DenyS3PutWithForeignKmsKey', ...reference(sequential(3)).Statement[0] }]);
    expect(ServiceControlPolicy.denyForeignKmsKeys({ kmsKeyAccountIds: sequential(3) })).toHaveLength(1);
  });

  test('denyUnencryptedS3Writes refuses a list that no longer fits its SCP, naming denyForeignKmsKeys', () => {
    expect(() => ServiceControlPolicy.denyUnencryptedS3Writes({ kmsKeyAccountIds: sequential(200) })).toThrow(
      /ServiceControlPolicy.denyUnencryptedS3Writes: kmsKeyAccountIds: received 200 accounts, an SCP of \d+ characters; expected a list that fits one SCP of 5120 characters. Use ServiceControlPolicy.denyForeignKmsKeys/,
    );
  });

  test('denyForeignKmsKeys refuses an empty list or an id that is no account id', () => {
    expect(() => ServiceControlPolicy.denyForeignKmsKeys({ kmsKeyAccountIds: [] })).toThrow(
      /ServiceControlPolicy.denyForeignKmsKeys: kmsKeyAccountIds: received an empty list; expected the 12-digit ids of the accounts whose KMS keys may encrypt objects, at least one/,
    );
    expect(() => ServiceControlPolicy.denyForeignKmsKeys({ kmsKeyAccountIds: ['12345'] })).toThrow(
      /kmsKeyAccountIds\[0\]: received "12345"; expected a 12-digit AWS account id/,
    );
  });
});
