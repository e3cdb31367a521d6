import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { App } from 'aws-cdk-lib';
import { controlTowerRuleFiles, ControlTowerGuardValidator, inapplicableRuleFiles, templateKeys } from '../src';
import { guardViolations } from '../src/guard-engine';
import { guardRuleGates } from '../src/guard-rule-gates';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const rulesDir = join(dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'rules', 'control-tower', 'cfn-guard');
const ruleText = (service: string, name: string): string => readFileSync(join(rulesDir, service, `${name}.guard`), 'utf8');

const HOOK_HELPER = `
rule is_cfn_hook(doc, RESOURCE_TYPE) {
    %doc.%RESOURCE_TYPE.resourceProperties exists
}`;

/** A rule file of the bundled shape, with `selection` and `when` replaceable to try shapes that must not be recognized. */
function ruleFile(opts: { selection?: string; when?: string; extra?: string } = {}): string {
  return `
let QUEUE_TYPE = "AWS::SQS::Queue"
let TOPIC_TYPE = "AWS::SNS::Topic"
let INPUT_DOCUMENT = this
let queues = ${opts.selection ?? 'Resources.*[ Type == %QUEUE_TYPE or\n  Type == %TOPIC_TYPE ]'}
rule queue_check when ${opts.when ?? 'is_cfn_template(%INPUT_DOCUMENT)\n   %queues not empty'} {
    check(%queues.Properties)
}
rule queue_check when is_cfn_hook(%INPUT_DOCUMENT, %QUEUE_TYPE) {
    check(%INPUT_DOCUMENT.%QUEUE_TYPE.resourceProperties)
}
rule check(p) { %p.KmsMasterKeyId exists }
${HOOK_HELPER}
${opts.extra ?? ''}`;
}

test('a rule file reports on the types of the selections that guard its rules, not on every type it names', () => {
  // ct-apigateway-pr-4 names AWS::Logs::LogGroup too (it follows a stage's log destination).
  const apigw = ruleText('apigateway', 'ct-apigateway-pr-4');
  expect(apigw).toContain('AWS::Logs::LogGroup');
  expect(guardRuleGates(apigw)).toEqual({ reportsOn: ['AWS::ApiGatewayV2::Stage'], hookKeys: ['AWS::ApiGatewayV2::Stage'] });
  // A selection of several types: every one counts.
  expect(guardRuleGates(ruleText('identityandaccessmanagement', 'ct-iam-pr-1'))?.reportsOn).toEqual([
    'AWS::IAM::Group',
    'AWS::IAM::Policy',
    'AWS::IAM::Role',
    'AWS::IAM::User',
  ]);
  expect(guardRuleGates(ruleFile())).toEqual({ reportsOn: ['AWS::SNS::Topic', 'AWS::SQS::Queue'], hookKeys: ['AWS::SQS::Queue'] });
  // Braces and quotes in messages, strings and regular expressions are not structure.
  const literals = 'rule msg(x) { %x.A == /^{\'/ <<\n a message with } and \' >>\n %x.B == "}" }';
  expect(guardRuleGates(ruleFile({ extra: literals }))).toEqual(guardRuleGates(ruleFile()));
});

test('nearly every bundled rule file is recognized; the others keep being chosen by every type they name', () => {
  const files = controlTowerRuleFiles();
  const unrecognized = files.filter((f) => f.gates === undefined).map((f) => f.name);
  // Listed, so that a new version of the rule set that changes the shapes shows up here.
  expect(unrecognized.sort()).toEqual(['ct-dynamodb-pr-1', 'ct-dynamodb-pr-2', 'ct-ec2-pr-3', 'ct-ec2-pr-4', 'ct-ec2-pr-5', 'ct-sagemaker-pr-1']);
  expect(files.length - unrecognized.length).toBeGreaterThan(220);
});

test.each([
  ['a rule guarded by anything else', { when: 'is_cfn_template(%INPUT_DOCUMENT)' }],
  ['a rule guarded by a disjunction', { when: 'is_cfn_template(%INPUT_DOCUMENT) or\n %queues not empty' }],
  ['a rule with no guard', { extra: 'rule always { Resources exists }' }],
  ['a selection with a further filter', { selection: 'Resources.*[ Type == %QUEUE_TYPE\n Properties exists ]' }],
  ['a selection by a type that is not a constant', { selection: 'Resources.*[ Type == %queue_type_param ]' }],
  ['a selection by `!=`', { selection: 'Resources.*[ Type != %QUEUE_TYPE ]' }],
  ['a selection of `Resources[...]`', { selection: 'Resources[ Type == %QUEUE_TYPE ]' }],
  ['a name defined twice', { extra: 'let queues = Resources' }],
  ['a hook helper that reads something else', { extra: 'rule is_cfn_hook(doc, RESOURCE_TYPE) { %doc exists }' }],
  // Guard evaluates a clause outside any rule as a rule of its own, with no guard.
  ['a clause outside any rule', { extra: "Resources.*[ Type == 'AWS::SQS::Queue' ] { Properties.KmsMasterKeyId exists }" }],
  ['a bare clause outside any rule', { extra: 'Resources exists' }],
  ['a rule that is never closed', { extra: 'rule open_ended(x) { %x exists' }],
])('%s: no gates, so the file runs whenever a type it names occurs', (_case, opts) => {
  expect(guardRuleGates(ruleFile(opts))).toBeUndefined();
});

test('a rule file with gates is left out when no template holds a type it reports on or a key its hook rules read', () => {
  const file = {
    name: 'apigw',
    resourceTypes: ['AWS::ApiGatewayV2::Stage', 'AWS::Logs::LogGroup'],
    gates: guardRuleGates(ruleText('apigateway', 'ct-apigateway-pr-4')),
  };
  const logGroupOnly = new Set(['AWS::Logs::LogGroup']);
  expect(inapplicableRuleFiles(logGroupOnly, [file], new Set(['resources']))).toEqual(['apigw']);
  // Without the top-level keys, only the named types count (the behaviour before gates).
  expect(inapplicableRuleFiles(logGroupOnly, [file])).toEqual([]);
  expect(inapplicableRuleFiles(new Set(['AWS::ApiGatewayV2::Stage']), [file], new Set(['resources']))).toEqual([]);
  // A hook document's key, in any letter case.
  expect(inapplicableRuleFiles(new Set(), [file], new Set(['aws::apigatewayv2::stage']))).toEqual([]);
  // A file without gates: as before.
  expect(inapplicableRuleFiles(logGroupOnly, [{ ...file, gates: undefined }], new Set(['resources']))).toEqual([]);
});

/** Writes templates to a fresh directory and returns their paths. */
function write(templates: Record<string, unknown>): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'ct-gates-'));
  dirs.push(dir);
  return Object.entries(templates).map(([name, t]) => {
    const path = join(dir, `${name}.template.json`);
    writeFileSync(path, JSON.stringify(t));
    return path;
  });
}

test('the files the gates leave out find nothing: the chosen files report what every rule file reports', () => {
  // Resources of the types many rule files name only as what they follow (log groups, roles, keys,
  // functions, buckets, topics), none of the types they report on, and one hook-shaped document.
  const role = {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
      Policies: [{ PolicyName: 'all', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }],
    },
  };
  const paths = write({
    Followed: {
      Resources: {
        Logs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 7 } },
        Role: role,
        Key: {
          Type: 'AWS::KMS::Key',
          Properties: { KeyPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:*', Resource: '*' }] } },
        },
        Fn: {
          Type: 'AWS::Lambda::Function',
          Properties: { Runtime: 'nodejs12.x', Handler: 'i.h', Role: { 'Fn::GetAtt': ['Role', 'Arn'] }, Code: { ZipFile: 'x' } },
        },
        Bucket: { Type: 'AWS::S3::Bucket' },
        Topic: { Type: 'AWS::SNS::Topic' },
        Queue: { Type: 'AWS::SQS::Queue' },
      },
    },
    Hook: { 'AWS::SQS::Queue': { resourceProperties: {} }, 'AWS::ApiGatewayV2::Stage': { resourceProperties: {} } },
  });
  const chosen = new ControlTowerGuardValidator().validate({ appConstruct: new App(), templatePaths: paths });
  const { types, topLevelKeys } = templateKeys(paths);
  const left = new Set(inapplicableRuleFiles(types, controlTowerRuleFiles(), topLevelKeys));
  // The gates leave out files that name these types: the case this test is about.
  expect(left.size).toBeGreaterThan(inapplicableRuleFiles(types).length);
  const all = controlTowerRuleFiles().map((f) => ({ name: f.name, content: readFileSync(ruleFilePath(f.name), 'utf8') }));
  const everything = guardViolations(all, paths);
  const key = (v: { ruleName: string; fix?: string; violatingResources: { resourceLogicalId: string; templatePath: string }[] }): string[] =>
    v.violatingResources.map((r) => `${v.ruleName} ${r.templatePath.split('/').pop()} ${r.resourceLogicalId} ${v.fix}`);
  expect(everything.length).toBeGreaterThan(3);
  // The hook document is found too: a gate that ignored hook keys would miss it.
  expect(everything.flatMap(key).some((k) => k.includes(' Hook.template.json '))).toBe(true);
  expect(chosen.violations.flatMap(key).sort()).toEqual(everything.flatMap(key).sort());
});

function ruleFilePath(name: string): string {
  const service = readdirSync(rulesDir).find((s) => existsSync(join(rulesDir, s, `${name}.guard`)));
  return join(rulesDir, service ?? '', `${name}.guard`);
}
