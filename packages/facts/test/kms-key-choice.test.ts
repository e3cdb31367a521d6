import { _kmsKeyChoiceProblem } from '../lib';

const UUID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const HERE = { account: '111111111111', region: 'eu-west-1' };
const TOKEN = '${Token[AWS.AccountId.6]}';
const keyOf = (account: string, region: string) => ({ keyArn: `arn:aws:kms:${region}:${account}:key/${UUID}`, env: { account, region } });

describe('_kmsKeyChoiceProblem (internal: the kms.IKey check of every construct package)', () => {
  test('a key of the same account and region passes', () => {
    expect(_kmsKeyChoiceProblem(keyOf('111111111111', 'eu-west-1'), HERE)).toBeUndefined();
  });

  test('fails if the key is of another account, naming both', () => {
    expect(_kmsKeyChoiceProblem(keyOf('222222222222', 'eu-west-1'), HERE)).toMatchObject({
      kind: 'environment',
      received: `key 'arn:aws:kms:eu-west-1:222222222222:key/${UUID}' of account 222222222222 region eu-west-1`,
      expected: "a key of the stack's account 111111111111 and region eu-west-1",
      keyAccount: '222222222222',
      keyRegion: 'eu-west-1',
    });
  });

  test('fails if the key is of another region; the user noun is the caller’s', () => {
    const problem = _kmsKeyChoiceProblem(keyOf('111111111111', 'us-east-1'), HERE, 'bucket');
    expect(problem?.received).toMatch(/region us-east-1$/);
    expect(problem?.expected).toBe("a key of the bucket's account 111111111111 and region eu-west-1");
    expect(problem?.fix).toMatch(/own region/);
  });

  test('a token key ARN falls back to the key environment (a key created in another stack)', () => {
    const key = { keyArn: '${Token[TOKEN.12]}', env: { account: '111111111111', region: 'us-east-1' }, node: { path: 'Other/Key' } };
    expect(_kmsKeyChoiceProblem(key, HERE)?.received).toBe('the key Other/Key of account 111111111111 region us-east-1');
  });

  test('nothing is judged where a side is a token (environment-agnostic stack, key ARN from a parameter)', () => {
    expect(_kmsKeyChoiceProblem(keyOf('222222222222', 'us-east-1'), { account: TOKEN, region: '${Token[AWS.Region.7]}' })).toBeUndefined();
    expect(_kmsKeyChoiceProblem({ keyArn: '${Token[TOKEN.1]}', env: { account: '${Token[TOKEN.2]}', region: '${Token[TOKEN.3]}' } }, HERE)).toBeUndefined();
  });

  test.each([
    [
      'an alias object',
      { keyArn: 'arn:${Token[AWS.Partition.8]}:kms:eu-west-1:111111111111:alias/data', aliasName: 'alias/data', env: HERE },
      "the alias 'alias/data'",
    ],
    ['an alias ARN given as a key', { keyArn: 'arn:aws:kms:eu-west-1:111111111111:alias/data', env: HERE }, "the alias 'alias/data'"],
    ['an AWS managed alias', { keyArn: 'x', aliasName: 'alias/aws/backup', env: HERE }, "the AWS managed key 'alias/aws/backup'"],
    ['an alias with a token name', { keyArn: '${Token[TOKEN.9]}', aliasName: '${Token[TOKEN.10]}', env: HERE, node: { path: 'S/Alias' } }, 'the alias S/Alias'],
  ])('fails if the key is %s', (_what, key, received) => {
    expect(_kmsKeyChoiceProblem(key, HERE)).toMatchObject({
      kind: 'alias',
      received,
      expected: expect.stringMatching(/^a customer managed KMS key, not an alias/),
    });
  });
});
