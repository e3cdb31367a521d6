// Credentials per account: which profile acts on which account, and what the check says when the
// credentials are for another account. (The STS call itself runs in the scripts' tests,
// test-integration/test/unit/ops-credentials.test.ts, against a local stand-in.)
import { callerAccountProblem, checkAccountProfileKeys, credentialsMessage, OpsOptions, parseArgs, profileFor } from '../src';
import { ACCOUNTS } from './fixtures';

describe('credentials per account', () => {
  const opts = (extra: Partial<OpsOptions> = {}): OpsOptions => ({ ...parseArgs('deploy', ['--env', 'prod']), ...extra });

  test('profileFor: by account id, then "security" or workload name, then --profile, else none', () => {
    const o = opts({ profile: 'fallback', accountProfiles: { security: 'sec', ledger: 'led', '666666666666': 'pay' } });
    expect(profileFor('555555555555', o, ACCOUNTS)).toBe('sec');
    expect(profileFor('666666666666', o, ACCOUNTS)).toBe('pay');
    expect(profileFor('777777777777', o, ACCOUNTS)).toBe('led');
    expect(profileFor('777777777777', opts({ profile: 'fallback' }), ACCOUNTS)).toBe('fallback');
    expect(profileFor('777777777777', opts(), ACCOUNTS)).toBeUndefined();
  });

  test('fails if --account-profile names an account the config does not have (a typo must not pick other credentials)', () => {
    expect(() => checkAccountProfileKeys(opts({ accountProfiles: { paymnts: 'x' } }), ACCOUNTS)).toThrow(
      /"paymnts" is not an account of config\/prod.json.*payments, ledger/,
    );
  });

  test('callerAccountProblem: none when the credentials are for the target account', () => {
    const group = { app: 'workload-account', account: '666666666666', stacks: ['s'] };
    expect(callerAccountProblem({ callerAccount: '666666666666', callerArn: 'arn', group, accounts: ACCOUNTS, opts: opts() })).toBeNull();
  });

  test('callerAccountProblem: another account names the account to assume and the --deployer-account way', () => {
    const group = { app: 'security-account', account: '555555555555', stacks: ['prod-security-keys-eu-west-1'] };
    const message = callerAccountProblem({
      callerAccount: '666666666666',
      callerArn: 'arn:aws:sts::666666666666:assumed-role/Admin/me',
      group,
      accounts: ACCOUNTS,
      opts: opts(),
      profile: 'pay',
    });
    expect(message).toMatch(/profile "pay" resolve to account 666666666666/);
    expect(message).toMatch(/the security-account stacks of "prod" \(prod-security-keys-eu-west-1\) are in account 555555555555 \(the security account\)/);
    expect(message).toMatch(/--account-profile 555555555555=<profile of account 555555555555>/);
    expect(message).toMatch(/bootstrapped with --trust 666666666666, pass --deployer-account 666666666666/);
  });

  test('callerAccountProblem: a trusted deployer account may act on other accounts, no other account may', () => {
    const group = { app: 'workload-account', account: '777777777777', stacks: ['s'] };
    const o = opts({ deployerAccount: '444444444444' });
    expect(callerAccountProblem({ callerAccount: '444444444444', callerArn: 'arn', group, accounts: ACCOUNTS, opts: o })).toBeNull();
    expect(callerAccountProblem({ callerAccount: '666666666666', callerArn: 'arn', group, accounts: ACCOUNTS, opts: o })).toMatch(
      /--deployer-account 444444444444 was given, but these credentials are for 666666666666/,
    );
  });
});

describe('credentialsMessage', () => {
  test('an expired session says to log in again with that profile', () => {
    const message = credentialsMessage({ name: 'ExpiredTokenException', message: 'The security token included in the request is expired' }, 'acme-prod');
    expect(message).toMatch(/^no usable AWS credentials from profile "acme-prod": ExpiredTokenException: /);
    expect(message).toMatch(/aws sso login --profile acme-prod/);
  });
});
