// The command lines the scripts run (the CDK CLI call of each group) or print (the bootstrap commands).
import { bootstrapCommands, cdkArgs, parseArgs, readConfigAccounts } from '../src';
import { ACCOUNTS } from './fixtures';

describe('cdkArgs', () => {
  const group = { app: 'workload-account', account: '666666666666', regions: ['eu-west-1'], stacks: ['a', 'b'] };

  test('deploy: the synthesized assembly, approval, concurrency, outputs file, only the listed stacks', () => {
    const opts = parseArgs('deploy', ['--env', 'prod', '--require-approval', 'any-change']);
    const args = cdkArgs({ command: 'deploy', env: 'prod', group, profile: 'pay', opts, outputsFile: '/o.json', cdkOut: '/repo/cdk.out' });
    expect(args).toEqual([
      'deploy',
      '--app',
      '/repo/cdk.out/prod/workload-account',
      '--no-notices',
      '--profile',
      'pay',
      '--require-approval',
      'any-change',
      '--concurrency',
      '1',
      '--outputs-file',
      '/o.json',
      '--progress',
      'events',
      '--exclusively',
      'a',
      'b',
    ]);
    expect(args).not.toContain('--no-rollback');
  });

  test('diff passes --fail when asked; destroy passes --force (confirmation was --confirm); no profile means ambient credentials', () => {
    const diff = cdkArgs({ command: 'diff', env: 'dev', group, opts: parseArgs('diff', ['--env', 'dev', '--fail']), cdkOut: '/c' });
    expect(diff).toEqual(['diff', '--app', '/c/dev/workload-account', '--no-notices', '--fail', '--exclusively', 'a', 'b']);
    const destroy = cdkArgs({ command: 'destroy', env: 'dev', group, opts: parseArgs('destroy', ['--env', 'dev', '--confirm', 'dev']), cdkOut: '/c' });
    expect(destroy).toEqual(['destroy', '--app', '/c/dev/workload-account', '--no-notices', '--force', '--exclusively', 'a', 'b']);
  });

  test('fails if deploy options did not come from parseArgs (no approval level: never a silent default)', () => {
    const opts = parseArgs('diff', ['--env', 'dev']);
    expect(() => cdkArgs({ command: 'deploy', env: 'dev', group, opts, outputsFile: '/o.json' })).toThrow(/deploy needs requireApproval and concurrency/);
  });
});

describe('bootstrap commands', () => {
  test('with a deployer account: --trust it and name the execution policy (the CLI refuses --trust without it); not for the deployer itself', () => {
    const accounts = {
      ...ACCOUNTS,
      securityRegions: ['eu-west-1', 'us-east-1'],
      workloads: [{ name: 'payments', accountId: '666666666666', regions: ['eu-west-1'] }],
    };
    const opts = { ...parseArgs('deploy', ['--env', 'prod', '--account-profile', 'payments=pay']), deployerAccount: '555555555555' };
    expect(bootstrapCommands(accounts, opts).map((b) => b.command)).toEqual([
      'npx cdk bootstrap aws://555555555555/eu-west-1 aws://555555555555/us-east-1 --qualifier grdprod --custom-permissions-boundary GuardrailsDeploymentBoundary --cloudformation-execution-policies arn:aws:iam::aws:policy/AdministratorAccess',
      'npx cdk bootstrap aws://666666666666/eu-west-1 aws://666666666666/us-east-1 --profile pay --trust 555555555555 --qualifier grdprod --custom-permissions-boundary GuardrailsDeploymentBoundary --cloudformation-execution-policies arn:aws:iam::aws:policy/AdministratorAccess',
    ]);
  });

  test('the execution role is bounded: the deployment boundary is deployed first, in the account, and the bootstrap names it and the config qualifier', () => {
    const accounts = { ...readConfigAccounts('prod'), cdkQualifier: 'acme01' };
    const [security] = bootstrapCommands(accounts, parseArgs('deploy', ['--env', 'prod', '--account-profile', 'security=sec']));
    expect(security.boundaryCommand).toBe(
      'aws cloudformation deploy --template-file cdk.out/prod/bootstrap/deployment-boundary.template.json ' +
        '--stack-name guardrails-deployment-boundary --capabilities CAPABILITY_NAMED_IAM --region eu-west-1 --profile sec',
    );
    expect(security.command).toMatch(/ --qualifier acme01 --custom-permissions-boundary GuardrailsDeploymentBoundary /);
    expect(readConfigAccounts('prod').cdkQualifier).toBe('grdprod');
  });
});
