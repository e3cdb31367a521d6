// Argument parsing of scripts/deploy.mjs, diff.mjs and destroy.mjs.
import { OpsError, parseArgs } from '../src';

describe('parseArgs', () => {
  test('deploy: --env is required; nothing defaults to an environment', () => {
    expect(() => parseArgs('deploy', [])).toThrow(/--env is required/);
  });

  test('deploy: defaults are both apps (security first), broadening approval, one stack at a time, synth first', () => {
    const opts = parseArgs('deploy', ['--env', 'dev']);
    expect(opts).toMatchObject({
      env: 'dev',
      apps: ['security-account', 'workload-account'],
      requireApproval: 'broadening',
      concurrency: 1,
      synth: true,
      dryRun: false,
    });
  });

  test('accepts --name=value and --name value', () => {
    const opts = parseArgs('deploy', ['--env=staging', '--require-approval', 'never', '--concurrency', '5', '--app=workload-account', '--no-synth']);
    expect(opts).toMatchObject({ env: 'staging', concurrency: 5, apps: ['workload-account'], synth: false });
  });

  test('without approval prompts, stacks of an account deploy 3 at a time by default', () => {
    expect(parseArgs('deploy', ['--env', 'dev', '--require-approval', 'never']).concurrency).toBe(3);
  });

  test('fails if parallel deployment is asked while approval can be needed (the CLI cannot prompt then)', () => {
    expect(() => parseArgs('deploy', ['--env', 'prod', '--concurrency', '3'])).toThrow(
      /--concurrency 3 with --require-approval broadening: the CDK CLI cannot ask for approval while it deploys stacks in parallel/,
    );
    expect(parseArgs('deploy', ['--env', 'prod', '--concurrency', '1']).concurrency).toBe(1);
  });

  test('collects --account-profile by account id, "security" or workload name', () => {
    const opts = parseArgs('deploy', ['--env', 'dev', '--account-profile', 'security=sec', '--account-profile', '222222222222=pay', '--profile', 'default-p']);
    expect(opts.accountProfiles).toEqual({ security: 'sec', '222222222222': 'pay' });
    expect(opts.profile).toBe('default-p');
  });

  test.each([
    [['--env', 'dev', '--bogus'], /unknown argument "--bogus"/],
    [['--env', 'dev', '--app', 'billing'], /--app: received "billing"; expected one of security-account, workload-account/],
    [['--env', 'dev', '--require-approval', 'sometimes'], /--require-approval: received "sometimes"/],
    [['--env', 'dev', '--concurrency', '0'], /--concurrency: received "0"; expected a whole number from 1 to 20/],
    [['--env', 'dev', '--account-profile', 'security'], /--account-profile: received "security"; expected <account id/],
    [['--env', 'dev', '--deployer-account', '12345'], /--deployer-account: received "12345"; expected a 12-digit account id/],
    [['--env', 'Dev!'], /--env: received "Dev!"/],
    [['--env'], /--env needs a value/],
  ])('fails with usage (exit 2) for %j', (argv, message) => {
    let error: OpsError | undefined;
    try {
      parseArgs('deploy', argv);
    } catch (e) {
      error = e as OpsError;
    }
    expect(error).toBeInstanceOf(OpsError);
    expect(error?.message).toMatch(message);
    expect(error?.message).toMatch(/Usage: npm run deploy/);
    expect(error?.exitCode).toBe(2);
  });

  test('fails if a production deploy asks for --require-approval never', () => {
    expect(() => parseArgs('deploy', ['--env', 'prod', '--require-approval', 'never'])).toThrow(/refused for the production environment "prod"/);
    expect(parseArgs('deploy', ['--env', 'dev', '--require-approval', 'never']).requireApproval).toBe('never');
    expect(parseArgs('deploy', ['--env', 'prod', '--require-approval', 'any-change']).requireApproval).toBe('any-change');
  });

  test('destroy: fails without --confirm repeating the environment', () => {
    expect(() => parseArgs('destroy', ['--env', 'dev'])).toThrow(/destroy needs --confirm dev/);
    expect(() => parseArgs('destroy', ['--env', 'dev', '--confirm', 'prod'])).toThrow(/received --confirm prod/);
    expect(parseArgs('destroy', ['--env', 'dev', '--confirm', 'dev'])).toMatchObject({ env: 'dev', synth: false });
  });

  test('diff: accepts --fail; deploy does not', () => {
    expect(parseArgs('diff', ['--env', 'dev', '--fail']).fail).toBe(true);
    expect(() => parseArgs('deploy', ['--env', 'dev', '--fail'])).toThrow(/unknown argument "--fail"/);
  });
});
