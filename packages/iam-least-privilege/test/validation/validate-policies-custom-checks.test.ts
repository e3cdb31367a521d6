// validate-policies with credentials: the IAM Access Analyzer custom checks (CheckNoNewAccess,
// CheckAccessNotGranted, CheckNoPublicAccess) over a real synthesized assembly, with the SDK
// clients mocked. The fakes of the three checks decide on the documents they receive (set
// inclusion of action/resource pairs, action match, Principal "*"), so the tests exercise what
// validate-policies sends, not only how it prints.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  AccessAnalyzerClient,
  CheckAccessNotGrantedCommand,
  CheckNoNewAccessCommand,
  CheckNoPublicAccessCommand,
  ValidatePolicyCommand,
} from '@aws-sdk/client-accessanalyzer';
import { CloudFormationClient, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { GetRoleCommand, GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { ACCESS_NOT_GRANTED_ACTIONS_PER_CALL } from '../../bin-src/validate-policies/custom-checks';
import { parseArgs, validatePolicies } from '../../bin-src/validate-policies/run';
import { PolicyRule, PolicyValidator } from '../../lib/validation';
import { extractPolicies } from '../../lib/validation/private/template-policies';
import { pinToday, WAIVER } from './helpers';

// Suppressions are judged on a fixed day (GUARDRAILS_TODAY), and WAIVER is valid on it.
pinToday();

const ENV = { account: '111122223333', region: 'eu-west-1' };
const BUCKET = 'logs-bucket-deployed';
const ROLE = 'logs-reader-deployed';
const tmpDirs: string[] = [];
afterAll(() => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

interface Variant {
  readonly write?: boolean;
  readonly passRole?: boolean;
  readonly acknowledgeNewAccess?: boolean;
  readonly publicQueue?: boolean;
  readonly forbidden?: string[];
  readonly boundary?: boolean;
}

/** One stack: a bucket with its policy and a role whose default policy reads (or reads and writes) it. */
function synth(v: Variant = {}): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'lp-aa-'));
  tmpDirs.push(outdir);
  const app = new App({ outdir });
  const stack = new Stack(app, 'Logs', { env: ENV });
  const bucket = new s3.Bucket(stack, 'Bucket', { enforceSSL: true });
  const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  if (v.boundary) {
    // a boundary caps; its broad Allow (iam:PassRole included) grants nothing
    const boundary = new iam.ManagedPolicy(stack, 'Boundary', {
      managedPolicyName: 'TestBoundary',
      statements: [new iam.PolicyStatement({ actions: ['s3:GetObject', 'iam:PassRole'], resources: ['*'] })],
    });
    iam.PermissionsBoundary.of(reader).apply(boundary);
  }
  if (v.write) bucket.grantReadWrite(reader);
  else bucket.grantRead(reader);
  if (v.passRole) reader.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [`arn:aws:iam::${ENV.account}:role/worker`] }));
  if (v.acknowledgeNewAccess) PolicyValidator.suppress(reader, PolicyRule.NEW_ACCESS, 'the reader now writes the daily export (ticket SEC-1234)', WAIVER);
  if (v.publicQueue) {
    const queue = new sqs.Queue(stack, 'Queue', { enforceSSL: true });
    queue.addToResourcePolicy(new iam.PolicyStatement({ principals: [new iam.AnyPrincipal()], actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
    PolicyValidator.suppress(queue, PolicyRule.PUBLIC_PRINCIPAL, 'offline rule suppressed to show Access Analyzer still fails it', WAIVER);
  }
  app.synth();
  if (v.forbidden) fs.writeFileSync(path.join(outdir, 'policy-validation.json'), JSON.stringify({ accessNotGranted: v.forbidden }));
  return outdir;
}

function template(outdir: string): any {
  return JSON.parse(fs.readFileSync(path.join(outdir, 'Logs.template.json'), 'utf8'));
}

/** Physical ids as CloudFormation would report them for the stack of an assembly. */
function physicalIds(outdir: string): Record<string, string> {
  const ids: Record<string, string> = {};
  for (const [id, r] of Object.entries<any>(template(outdir).Resources)) {
    if (r.Type === 'AWS::S3::Bucket' || r.Type === 'AWS::S3::BucketPolicy') ids[id] = BUCKET;
    else if (r.Type === 'AWS::IAM::Role') ids[id] = ROLE;
    else if (r.Type === 'AWS::IAM::Policy') ids[id] = r.Properties.PolicyName;
    else ids[id] = `${id.toLowerCase()}-physical`;
  }
  return ids;
}

/** The documents of the deployed assembly, rendered with the deployed names, by resource type. */
function deployedDocuments(outdir: string): Record<string, string> {
  const docs: Record<string, string> = {};
  for (const p of extractPolicies(template(outdir), { ...ENV, physicalIds: physicalIds(outdir) })) {
    docs[`${p.resourceType} ${p.location}`] = JSON.stringify(p.rendered);
  }
  return docs;
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
/** Allowed action/resource pairs of a document. */
function grants(doc: string): Set<string> {
  const out = new Set<string>();
  for (const s of statements(doc)) {
    if (s.Effect !== 'Allow') continue;
    for (const a of list(s.Action)) for (const r of list(s.Resource ?? '*')) out.add(`${a} ${r}`);
  }
  return out;
}
function statements(doc: string): any[] {
  const st = JSON.parse(doc).Statement;
  return Array.isArray(st) ? st : [st];
}

const aa = mockClient(AccessAnalyzerClient);
const cfn = mockClient(CloudFormationClient);
const iamMock = mockClient(IAMClient);
const s3Mock = mockClient(S3Client);
const credentials = async () => ({ credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' } });

afterAll(() => [aa, cfn, iamMock, s3Mock].forEach((m) => m.restore()));

/** Mocks AWS as if `deployedDir` were deployed, with fakes of the three checks. */
function deploy(deployedDir: string | undefined): void {
  [aa, cfn, iamMock, s3Mock].forEach((m) => m.reset());
  aa.on(ValidatePolicyCommand).resolves({ findings: [] });
  aa.on(CheckNoNewAccessCommand).callsFake((input) => {
    const existing = grants(input.existingPolicyDocument);
    const added = [...grants(input.newPolicyDocument)].filter((g) => !existing.has(g));
    return added.length === 0
      ? { result: 'PASS', message: 'The modified permissions grant no new access compared to your existing policy.' }
      : {
          result: 'FAIL',
          message: 'The modified permissions grant new access compared to your existing policy.',
          reasons: [{ description: `new: ${added.join(', ')}` }],
        };
  });
  aa.on(CheckAccessNotGrantedCommand).callsFake((input) => {
    const granted = statements(input.policyDocument)
      .filter((s) => s.Effect === 'Allow')
      .flatMap((s) => list(s.Action));
    const hit = input.access[0].actions.filter((a: string) => granted.includes(a));
    return hit.length
      ? {
          result: 'FAIL',
          message: 'The policy document grants access to perform one or more of the listed actions.',
          reasons: [{ description: hit.join(', ') }],
        }
      : { result: 'PASS' };
  });
  aa.on(CheckNoPublicAccessCommand).callsFake((input) => {
    const open = statements(input.policyDocument).some((s) => s.Effect === 'Allow' && (s.Principal === '*' || s.Principal?.AWS === '*') && !s.Condition);
    return open
      ? { result: 'FAIL', message: 'The resource policy grants public access.', reasons: [{ description: 'Principal "*"', statementIndex: 0 }] }
      : { result: 'PASS' };
  });
  if (!deployedDir) {
    cfn.on(ListStackResourcesCommand).rejects(Object.assign(new Error('Stack with id Logs does not exist'), { name: 'ValidationError' }));
    return;
  }
  const ids = physicalIds(deployedDir);
  const docs = deployedDocuments(deployedDir);
  cfn.on(ListStackResourcesCommand, { StackName: 'Logs' }).resolves({
    StackResourceSummaries: Object.entries(ids).map(([LogicalResourceId, PhysicalResourceId]) => ({ LogicalResourceId, PhysicalResourceId }) as any),
  });
  iamMock.on(GetRolePolicyCommand, { RoleName: ROLE }).resolves({ PolicyDocument: encodeURIComponent(docs['AWS::IAM::Policy Properties.PolicyDocument']) });
  iamMock
    .on(GetRoleCommand, { RoleName: ROLE })
    .resolves({ Role: { AssumeRolePolicyDocument: encodeURIComponent(docs['AWS::IAM::Role Properties.AssumeRolePolicyDocument']) } } as any);
  s3Mock.on(GetBucketPolicyCommand, { Bucket: BUCKET }).resolves({ Policy: docs['AWS::S3::BucketPolicy Properties.PolicyDocument'] });
}

function run(dir: string, extra: { accessNotGranted?: string[] } = {}) {
  const lines: string[] = [];
  return validatePolicies({ assemblyDir: dir, resolveCredentials: credentials, region: 'eu-west-1', log: (l) => lines.push(l), ...extra }).then((result) => ({
    result,
    text: lines.join('\n'),
  }));
}

describe('CheckNoNewAccess against the deployed version', () => {
  test('a narrowing change passes, compared with the deployed documents rendered with the deployed names', async () => {
    // GIVEN: read-write deployed, the change reads only
    deploy(synth({ write: true }));

    // WHEN
    const { result, text } = await run(synth());

    // THEN
    expect(result.exitCode).toBe(0);
    const calls = aa.commandCalls(CheckNoNewAccessCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.policyType).sort()).toEqual(['IDENTITY_POLICY', 'RESOURCE_POLICY', 'RESOURCE_POLICY']); // default policy, trust, bucket policy
    const identity = calls.find((c) => c.policyType === 'IDENTITY_POLICY')!;
    expect(identity.newPolicyDocument).toContain(`arn:aws:s3:::${BUCKET}/*`); // the deployed bucket name, not a placeholder
    expect(identity.existingPolicyDocument).toContain('s3:PutObject');
    expect(text).toMatch(/CheckNoNewAccess: 3 policies compared with their deployed version, \d+ new/);
  });

  test('a widening change fails, naming the policy and the finding', async () => {
    deploy(synth());

    const { result, text } = await run(synth({ write: true }));

    expect(result.exitCode).toBe(1);
    expect(text).toMatch(
      /FAIL access-analyzer Logs\.template\.json Logs\/Reader\/DefaultPolicy\/Resource \(ReaderDefaultPolicy[0-9A-F]+\) Properties\.PolicyDocument \[NEW_ACCESS\] CheckNoNewAccess FAIL: The modified permissions grant new access .*new: .*s3:PutObject arn:aws:s3:::logs-bucket-deployed\/\*/,
    );
    expect(text).toMatch(/acknowledge it with PolicyValidator\.suppress\(scope, PolicyRule\.NEW_ACCESS, reason, \{ owner, expires \}\)/);
  });

  test('an acknowledged widening passes and prints its reason', async () => {
    deploy(synth());

    const { result, text } = await run(synth({ write: true, acknowledgeNewAccess: true }));

    expect(result.exitCode).toBe(0);
    expect(text).toMatch(
      /acknowledged access-analyzer .*ReaderDefaultPolicy.* \[NEW_ACCESS\] CheckNoNewAccess FAIL: .*; reason: the reader now writes the daily export \(ticket SEC-1234\)/,
    );
  });

  test('a stack that is not deployed: says so, new policies, nothing to compare', async () => {
    deploy(undefined);

    const { result, text } = await run(synth({ write: true }));

    expect(result.exitCode).toBe(0);
    expect(aa.commandCalls(CheckNoNewAccessCommand)).toHaveLength(0);
    expect(text).toMatch(/note CheckNoNewAccess Logs\.template\.json: stack Logs is not deployed in eu-west-1 .*: new policies, nothing to compare/);
  });

  test('a policy with no deployed version is new; an unreadable one is reported as not compared', async () => {
    const deployedDir = synth();
    deploy(deployedDir);
    iamMock.on(GetRoleCommand).rejects(Object.assign(new Error('User is not authorized to perform: iam:GetRole'), { name: 'AccessDenied' }));
    s3Mock.on(GetBucketPolicyCommand).rejects(Object.assign(new Error('The bucket policy does not exist'), { name: 'NoSuchBucketPolicy' }));

    const { result, text } = await run(synth());

    expect(result.exitCode).toBe(0);
    expect(text).toMatch(
      /note CheckNoNewAccess .*Reader.* Properties\.AssumeRolePolicyDocument: could not read the deployed version \(AccessDenied: User is not authorized/,
    );
    expect(text).toMatch(/note CheckNoNewAccess .*Bucket\/Policy.*: no deployed version \(NoSuchBucketPolicy\): new policy, nothing to compare/);
    expect(text).toMatch(/CheckNoNewAccess: 1 policies compared with their deployed version, 1 new \(nothing to compare\), 1 not compared/);
  });
});

describe('CheckAccessNotGranted and CheckNoPublicAccess', () => {
  test('a forbidden action in an identity policy fails, naming the policy and the action; the list comes from policy-validation.json', async () => {
    deploy(undefined);

    const { result, text } = await run(synth({ passRole: true, forbidden: ['kms:PutKeyPolicy', 'iam:PassRole'] }));

    expect(result.exitCode).toBe(1);
    expect(text).toMatch(/runs: CheckAccessNotGranted of each identity policy for kms:PutKeyPolicy, iam:PassRole \(.*policy-validation\.json\)/);
    expect(text).toMatch(
      /FAIL access-analyzer .*Logs\/Reader\/DefaultPolicy\/Resource .*\[FORBIDDEN_ACCESS\] CheckAccessNotGranted FAIL: .* \(forbidden: kms:PutKeyPolicy, iam:PassRole\) \(iam:PassRole\)/,
    );
    // identity policies only: trust and resource policies are not sent
    expect(aa.commandCalls(CheckAccessNotGrantedCommand).every((c) => c.args[0].input.policyType === 'IDENTITY_POLICY')).toBe(true);
  });

  test('a permissions boundary is not checked for forbidden actions (it grants nothing), and the note says so', async () => {
    deploy(undefined);

    const { result, text } = await run(synth({ boundary: true, forbidden: ['iam:PassRole'] }));

    expect(result.exitCode).toBe(0);
    expect(text).toMatch(/note CheckAccessNotGranted .*Logs\/Boundary\/Resource .*: a permissions boundary \(it grants nothing\), not checked/);
    expect(aa.commandCalls(CheckAccessNotGrantedCommand).map((c) => c.args[0].input.policyDocument)).not.toContainEqual(
      expect.stringContaining('iam:PassRole'),
    );
  });

  test('the actions go in batches of 100 (the API takes one Access object of at most 100 actions)', async () => {
    deploy(undefined);
    const actions = Array.from({ length: 150 }, (_, i) => `s3:Action${i}`);

    const { result } = await run(synth(), { accessNotGranted: actions });

    expect(result.exitCode).toBe(0);
    const sizes = aa.commandCalls(CheckAccessNotGrantedCommand).map((c) => c.args[0].input.access!.map((a) => a.actions!.length));
    expect(ACCESS_NOT_GRANTED_ACTIONS_PER_CALL).toBe(100);
    expect(sizes).toEqual([[100], [50]]);
  });

  test('a public queue policy fails even with the offline rule suppressed', async () => {
    deploy(undefined);

    const { result, text } = await run(synth({ publicQueue: true }));

    expect(result.exitCode).toBe(1);
    expect(text).toMatch(
      /FAIL access-analyzer .*Logs\/Queue\/Policy\/Resource .* CheckNoPublicAccess FAIL: The resource policy grants public access\. \(Statement\[0\]: Principal "\*"\)/,
    );
    expect(aa.commandCalls(CheckNoPublicAccessCommand).map((c) => c.args[0].input.resourceType)).toEqual(
      expect.arrayContaining(['AWS::SQS::Queue', 'AWS::S3::Bucket', 'AWS::IAM::AssumeRolePolicyDocument']),
    );
  });
});

describe('RCP files', () => {
  test('every rcp/*.json goes to ValidatePolicy as a RESOURCE_CONTROL_POLICY (and no custom check)', async () => {
    deploy(undefined);
    const dir = synth();
    fs.mkdirSync(path.join(dir, 'rcp'), { recursive: true });
    const rcp = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'EnforceSecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: '*',
          Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } },
        },
      ],
    };
    fs.writeFileSync(path.join(dir, 'rcp', 'rcp-environment-1.json'), JSON.stringify(rcp));

    const { result } = await run(dir);

    expect(result).toEqual(expect.objectContaining({ exitCode: 0, rcpFiles: 1 }));
    const rcpCalls = aa.commandCalls(ValidatePolicyCommand).filter((c) => c.args[0].input.policyType === 'RESOURCE_CONTROL_POLICY');
    expect(rcpCalls.map((c) => JSON.parse(c.args[0].input.policyDocument!))).toEqual([rcp]);
    for (const command of [CheckNoNewAccessCommand, CheckAccessNotGrantedCommand, CheckNoPublicAccessCommand]) {
      expect(aa.commandCalls(command as any).some((c: any) => c.args[0].input.policyDocument === JSON.stringify(rcp))).toBe(false);
    }
  });
});

describe('offline', () => {
  test.each([
    [{ offline: true }, '--offline was given'],
    [{ resolveCredentials: async () => ({ reason: 'no AWS credentials (test)' }) }, 'no AWS credentials \\(test\\)'],
  ])('prints every check it skipped and why, exit status unchanged (%#)', async (opts, why) => {
    const dir = synth({ forbidden: ['kms:PutKeyPolicy', 'iam:PassRole'] });
    const lines: string[] = [];

    const result = await validatePolicies({ assemblyDir: dir, log: (l) => lines.push(l), ...opts });

    const text = lines.join('\n');
    expect(result.exitCode).toBe(0);
    for (const check of [
      'ValidatePolicy on every policy',
      'CheckNoNewAccess of each identity, trust, bucket, key, queue, topic and secret policy against its deployed version',
      'CheckAccessNotGranted of each identity policy for kms:PutKeyPolicy, iam:PassRole',
      'CheckNoPublicAccess of every bucket, key, queue, topic, secret and trust policy',
    ]) {
      expect(text).toMatch(new RegExp(`skipped: ${check.replace(/[()]/g, '\\$&')}.*: ${why}`));
    }
  });

  test('--access-not-granted is parsed and checked', () => {
    expect(parseArgs(['cdk.out', '--access-not-granted', 'kms:PutKeyPolicy,iam:PassRole'])).toEqual(
      expect.objectContaining({ accessNotGranted: ['kms:PutKeyPolicy', 'iam:PassRole'] }),
    );
    expect(parseArgs(['cdk.out', '--access-not-granted', 'PassRole'])).toEqual({
      error: "--access-not-granted 'PassRole' must be a comma-separated list of IAM actions such as kms:PutKeyPolicy,iam:PassRole",
    });
  });
});
