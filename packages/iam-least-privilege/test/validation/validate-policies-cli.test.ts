import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AccessAnalyzerClient, CheckNoPublicAccessCommand, ValidatePolicyCommand } from '@aws-sdk/client-accessanalyzer';
import { CloudFormationClient, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { App, Stack, Stage } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { parseArgs, resolveDefaultCredentials, validatePolicies } from '../../bin-src/validate-policies/run';
import { PolicyRule, PolicyValidator } from '../../lib/validation';
import { pinToday, WAIVER } from './helpers';

// Suppressions are judged on a fixed day (GUARDRAILS_TODAY), and WAIVER is valid on it.
pinToday();

const ENV = { account: '111122223333', region: 'eu-west-1' };
const tmpDirs: string[] = [];

function tmp(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpDirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

/** Synthesizes a real cloud assembly: a top-level stack and a stack in a nested stage. */
function synthAssembly(opts: { wide?: boolean; scp?: object; rcp?: object } = {}): string {
  const outdir = tmp('lp-cdkout-');
  const app = new App({ outdir });
  const top = new Stack(app, 'Logs', { env: ENV });
  const bucket = new s3.Bucket(top, 'Bucket', { enforceSSL: true });
  const reader = new iam.Role(top, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  bucket.grantRead(reader);
  const key = new kms.Key(top, 'Key');
  PolicyValidator.suppress(key, PolicyRule.WILDCARD_ACTION_ON_ALL_RESOURCES, 'Account root administers the key through IAM (KMS default)', WAIVER);

  const stage = new Stage(app, 'Prod');
  const nested = new Stack(stage, 'App', { env: ENV });
  const role = new iam.Role(nested, 'Worker', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  role.addToPrincipalPolicy(
    opts.wide
      ? new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] })
      : new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [`arn:aws:sqs:eu-west-1:${ENV.account}:jobs`] }),
  );
  app.synth();
  if (opts.scp) {
    fs.mkdirSync(path.join(outdir, 'dev', 'scp'), { recursive: true });
    fs.writeFileSync(path.join(outdir, 'dev', 'scp', 'region-restriction.json'), JSON.stringify(opts.scp));
  }
  if (opts.rcp) {
    fs.mkdirSync(path.join(outdir, 'dev', 'rcp'), { recursive: true });
    fs.writeFileSync(path.join(outdir, 'dev', 'rcp', 'rcp-environment-1.json'), JSON.stringify(opts.rcp));
  }
  return outdir;
}

const noCredentials = async () => ({ reason: 'no AWS credentials (test)' });
const fakeCredentials = async () => ({ credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' } });

function collect(): { lines: string[]; log: (l: string) => void } {
  const lines: string[] = [];
  return { lines, log: (l: string) => lines.push(l) };
}

describe('validate-policies offline', () => {
  test('passes a clean assembly and says that only the offline validator ran', async () => {
    // GIVEN
    const dir = synthAssembly();
    const out = collect();

    // WHEN
    const result = await validatePolicies({ assemblyDir: dir, resolveCredentials: noCredentials, log: out.log });

    // THEN
    expect(result).toEqual(expect.objectContaining({ exitCode: 0, mode: 'offline', templates: 2, offlineErrors: 0 }));
    expect(result.policies).toBeGreaterThanOrEqual(5); // bucket policy, key policy, 2 trust policies, 2 inline policies
    const text = out.lines.join('\n');
    expect(text).toMatch(/offline validator: runs \(@cloud-copilot\/iam-data@/);
    expect(text).toMatch(/IAM Access Analyzer: skipped, no AWS credentials \(test\); only the offline validator ran/);
    expect(text).toMatch(/1 findings suppressed with a reason/);
    expect(text).toMatch(/validate-policies: PASS \(offline validator only\)/);
  });

  test('fails on a wildcard action on "*" in a nested stage, naming the template, construct path and rule', async () => {
    const dir = synthAssembly({ wide: true });
    const out = collect();
    const result = await validatePolicies({ assemblyDir: dir, resolveCredentials: noCredentials, log: out.log });
    expect(result.exitCode).toBe(1);
    expect(out.lines.join('\n')).toMatch(
      /FAIL assembly-Prod\/ProdApp[^ ]*\.template\.json Prod\/App\/Worker\/DefaultPolicy\/Resource \(WorkerDefaultPolicy[0-9A-F]+\) \[WILDCARD_ACTION_ON_ALL_RESOURCES\]/,
    );
  });

  test('checks SCP files (scp/*.json) for rules and the 5,120-character limit', async () => {
    const big = {
      Version: '2012-10-17',
      Statement: Array.from({ length: 60 }, (_, i) => ({
        Sid: `D${i}`,
        Effect: 'Deny',
        Action: 's3:PutObject',
        Resource: `arn:aws:s3:::bucket-number-${i}/*`,
      })),
    };
    const dir = synthAssembly({ scp: big });
    const out = collect();
    const result = await validatePolicies({ assemblyDir: dir, resolveCredentials: noCredentials, log: out.log });
    expect(result).toEqual(expect.objectContaining({ exitCode: 1, scpFiles: 1 }));
    expect(out.lines.join('\n')).toMatch(/FAIL dev\/scp\/region-restriction.json \[POLICY_TOO_LARGE\] policy is \d+ characters/);
  });

  test('checks RCP files (rcp/*.json) for the RCP rules: an Allow, a named principal, NotAction or an unsupported service fails; the shipped shape passes', async () => {
    const deny = {
      Sid: 'EnforceSecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: ['s3:*', 'kms:*'],
      Resource: '*',
      Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } },
    };
    const good = await validatePolicies({
      assemblyDir: synthAssembly({ rcp: { Version: '2012-10-17', Statement: [deny] } }),
      resolveCredentials: noCredentials,
      log: () => undefined,
    });
    expect(good).toEqual(expect.objectContaining({ exitCode: 0, rcpFiles: 1 }));

    const bad = {
      Version: '2012-10-17',
      Statement: [
        { ...deny, Sid: 'A', Effect: 'Allow' },
        { ...deny, Sid: 'P', Principal: { AWS: 'arn:aws:iam::111122223333:root' } },
        { Sid: 'N', Effect: 'Deny', Principal: '*', NotAction: 's3:GetObject', Resource: '*' },
        { ...deny, Sid: 'S', Action: 'ec2:RunInstances' },
      ],
    };
    const out = collect();
    const result = await validatePolicies({ assemblyDir: synthAssembly({ rcp: bad }), resolveCredentials: noCredentials, log: out.log });
    expect(result).toEqual(expect.objectContaining({ exitCode: 1, rcpFiles: 1 }));
    const text = out.lines.join('\n');
    expect(text).toMatch(
      /FAIL dev\/rcp\/rcp-environment-1.json \[MALFORMED_POLICY\] an RCP statement needs 'Deny'.*it has Effect 'Allow'.*\(at Statement\[0\]\)/,
    );
    expect(text).toMatch(/an RCP statement needs Principal '\*' \(the only principal an RCP may name\); it has Principal .*\(at Statement\[1\]\)/);
    expect(text).toMatch(/an RCP statement needs an Action list of services that support RCPs; it has a NotAction.*\(at Statement\[2\]\)/);
    expect(text).toMatch(/it has the action 'ec2:RunInstances'.*\(at Statement\[3\]\)/);
  });

  test('--offline skips credentials entirely', async () => {
    const dir = synthAssembly();
    const out = collect();
    const resolver = jest.fn(fakeCredentials);
    const result = await validatePolicies({ assemblyDir: dir, offline: true, resolveCredentials: resolver, log: out.log });
    expect(resolver).not.toHaveBeenCalled();
    expect(result.mode).toBe('offline');
    expect(out.lines.join('\n')).toMatch(/IAM Access Analyzer: skipped, --offline was given/);
  });

  test('fails clearly if the directory is not a synthesized assembly', async () => {
    await expect(validatePolicies({ assemblyDir: '/nonexistent/cdk.out', resolveCredentials: noCredentials })).rejects.toThrow(
      /'\/nonexistent\/cdk.out' is not a directory/,
    );
    await expect(validatePolicies({ assemblyDir: tmp('lp-empty-'), resolveCredentials: noCredentials })).rejects.toThrow(
      /no \*.template.json, scp\/\*.json or rcp\/\*.json under/,
    );
  });

  test('the default credential chain reports that no credentials exist here, within the timeout', async () => {
    const saved = { ...process.env };
    try {
      for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
      process.env.AWS_EC2_METADATA_DISABLED = 'true';
      process.env.AWS_CONFIG_FILE = '/nonexistent/config';
      process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/credentials';
      const result = await resolveDefaultCredentials(2000);
      expect(result).toEqual({ reason: expect.stringMatching(/^no AWS credentials/) });
    } finally {
      process.env = saved;
    }
  });

  test('the built CLI runs end to end on a synthesized assembly (offline)', () => {
    // GIVEN: the shipped bundle, built the way `npm run build:bin` builds it
    const outfile = path.join(tmp('lp-bin-'), 'validate-policies.js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('esbuild').buildSync({
      entryPoints: [path.join(__dirname, '..', '..', 'bin-src', 'validate-policies', 'cli.ts')],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      alias: require('../../../../scripts/esbuild-aliases.cjs'),
      outfile,
      logLevel: 'error',
    });
    const dir = synthAssembly({ wide: true });

    // WHEN
    let status = 0;
    let stdout: string;
    try {
      // run from an empty directory: the bundle must be self-contained (SDK and IAM dataset inlined)
      stdout = execFileSync(process.execPath, [outfile, dir, '--offline'], { encoding: 'utf8', cwd: path.dirname(outfile) });
    } catch (e: any) {
      status = e.status;
      stdout = e.stdout;
    }

    // THEN
    expect(status).toBe(1);
    expect(stdout).toMatch(/IAM Access Analyzer: skipped, --offline was given/);
    expect(stdout).toMatch(/\[WILDCARD_ACTION_ON_ALL_RESOURCES\]/);
    expect(stdout).toMatch(/validate-policies: FAIL, 1 offline finding\(s\), 0 Access Analyzer finding\(s\) \(offline validator only\)/);
  });
});

describe('validate-policies with IAM Access Analyzer (mocked SDK)', () => {
  const aa = mockClient(AccessAnalyzerClient);
  const cfn = mockClient(CloudFormationClient);
  beforeEach(() => {
    aa.reset();
    cfn.reset();
    // nothing deployed yet: CheckNoNewAccess has nothing to compare (validate-policies-custom-checks.test.ts covers it)
    cfn.on(ListStackResourcesCommand).rejects(Object.assign(new Error('Stack with id X does not exist'), { name: 'ValidationError' }));
  });
  afterAll(() => {
    aa.restore();
    cfn.restore();
  });

  test('sends every policy rendered to plain JSON, with the right policy and resource types', async () => {
    // GIVEN
    aa.on(ValidatePolicyCommand).resolves({ findings: [] });
    aa.on(CheckNoPublicAccessCommand).resolves({ result: 'PASS' });
    const dir = synthAssembly();
    const out = collect();

    // WHEN
    const result = await validatePolicies({ assemblyDir: dir, resolveCredentials: fakeCredentials, region: 'eu-west-1', log: out.log });

    // THEN
    expect(result).toEqual(expect.objectContaining({ exitCode: 0, mode: 'access-analyzer' }));
    const calls = aa.commandCalls(ValidatePolicyCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(result.policies);
    for (const input of calls) {
      expect(input.policyDocument).not.toMatch(/Fn::|"Ref"/);
      expect(JSON.parse(input.policyDocument!).Statement).toBeDefined();
    }
    expect(calls).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ policyType: 'RESOURCE_POLICY', validatePolicyResourceType: 'AWS::S3::Bucket' }),
        expect.objectContaining({ policyType: 'RESOURCE_POLICY', validatePolicyResourceType: 'AWS::IAM::AssumeRolePolicyDocument' }),
        expect.objectContaining({ policyType: 'IDENTITY_POLICY' }),
      ]),
    );
    // the bucket policy renders the bucket ARN from the account and region of the manifest
    const bucketPolicy = calls.find((c) => c.validatePolicyResourceType === 'AWS::S3::Bucket')!;
    expect(bucketPolicy.policyDocument).toMatch(/arn:aws:s3:::bucket/);
    expect(
      aa
        .commandCalls(CheckNoPublicAccessCommand)
        .map((c) => c.args[0].input.resourceType)
        .sort(),
    ).toEqual(['AWS::IAM::AssumeRolePolicyDocument', 'AWS::IAM::AssumeRolePolicyDocument', 'AWS::KMS::Key', 'AWS::S3::Bucket']);
    expect(out.lines.join('\n')).toMatch(/IAM Access Analyzer: runs \(region eu-west-1\)\n {4}runs: ValidatePolicy on every policy/);
    expect(out.lines.join('\n')).toMatch(/PASS \(offline validator and IAM Access Analyzer\)/);
  });

  test('fails on SECURITY_WARNING and ERROR, only notes WARNING and SUGGESTION, and follows pagination', async () => {
    // the first identity policy gets a suggestion on page 1 and a security warning on page 2
    let identityCalls = 0;
    let trustCalls = 0;
    aa.on(ValidatePolicyCommand).callsFake((input) => {
      if (input.validatePolicyResourceType === 'AWS::IAM::AssumeRolePolicyDocument' && trustCalls++ === 0) {
        return {
          findings: [{ findingType: 'ERROR', issueCode: 'INVALID_PRINCIPAL', findingDetails: 'bad principal', learnMoreLink: 'https://e', locations: [] }],
        };
      }
      if (input.policyType !== 'IDENTITY_POLICY') return { findings: [] };
      identityCalls++;
      if (identityCalls === 1) {
        return {
          findings: [{ findingType: 'SUGGESTION', issueCode: 'EMPTY_ARRAY_ACTION', findingDetails: 'a suggestion', learnMoreLink: 'https://x', locations: [] }],
          nextToken: 'page2',
        };
      }
      if (input.nextToken === 'page2') {
        return {
          findings: [
            {
              findingType: 'SECURITY_WARNING',
              issueCode: 'PASS_ROLE_WITH_STAR_IN_RESOURCE',
              findingDetails: 'passrole on *',
              learnMoreLink: 'https://y',
              locations: [],
            },
          ],
        };
      }
      return { findings: [{ findingType: 'WARNING', issueCode: 'SOME_WARNING', findingDetails: 'a warning', learnMoreLink: 'https://z', locations: [] }] };
    });
    aa.on(CheckNoPublicAccessCommand).resolves({ result: 'PASS' });
    const dir = synthAssembly();
    const out = collect();

    const result = await validatePolicies({ assemblyDir: dir, resolveCredentials: fakeCredentials, log: out.log });

    expect(result.exitCode).toBe(1);
    expect(result.accessAnalyzerErrors).toBe(2);
    expect(out.lines.join('\n')).toMatch(/FAIL access-analyzer .* ERROR INVALID_PRINCIPAL: bad principal/);
    const text = out.lines.join('\n');
    expect(text).toMatch(/note access-analyzer .* SUGGESTION EMPTY_ARRAY_ACTION: a suggestion/);
    expect(text).toMatch(/note access-analyzer .* WARNING SOME_WARNING: a warning/);
    expect(text).toMatch(/FAIL access-analyzer .* SECURITY_WARNING PASS_ROLE_WITH_STAR_IN_RESOURCE: passrole on \*/);
    expect(aa.commandCalls(ValidatePolicyCommand, { nextToken: 'page2' })).toHaveLength(1);
  });

  test('fails when CheckNoPublicAccess finds a bucket or key policy public', async () => {
    aa.on(ValidatePolicyCommand).resolves({ findings: [] });
    aa.on(CheckNoPublicAccessCommand)
      .resolves({ result: 'PASS' })
      .on(CheckNoPublicAccessCommand, { resourceType: 'AWS::S3::Bucket' })
      .resolves({ result: 'FAIL', message: 'The resource policy grants public access', reasons: [{ description: 'Principal *' }] });
    const dir = synthAssembly();
    const out = collect();

    const result = await validatePolicies({ assemblyDir: dir, resolveCredentials: fakeCredentials, log: out.log });

    expect(result.exitCode).toBe(1);
    expect(out.lines.join('\n')).toMatch(
      /FAIL access-analyzer .*BucketPolicy.* CheckNoPublicAccess FAIL: The resource policy grants public access \(Principal \*\)/,
    );
  });
});

describe('argument parsing', () => {
  test('reads the directory and options', () => {
    expect(parseArgs(['cdk.out', '--offline', '--region', 'eu-west-1', '--credentials-timeout-ms', '500'])).toEqual({
      assemblyDir: 'cdk.out',
      offline: true,
      region: 'eu-west-1',
      credentialsTimeoutMs: 500,
    });
  });
  test('fails if arguments are wrong', () => {
    expect(parseArgs([])).toEqual({ error: 'expected one cdk.out directory, got 0 arguments' });
    expect(parseArgs(['a', '--fast'])).toEqual({ error: "unknown option '--fast'" });
    expect(parseArgs(['a', '--region', 'mars'])).toEqual({ error: "--region 'mars' is not a region name such as eu-west-1" });
    expect(parseArgs(['a', '--credentials-timeout-ms', 'x'])).toEqual({ error: "--credentials-timeout-ms must be a whole number from 100 to 60000, got 'x'" });
  });
});
