import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, CfnOutput, CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { controlTowerRuleFiles, inapplicableRuleFiles, templateResourceTypes } from '../src';
import { guardViolations } from '../src/guard-engine';
import { MAX_DEPTH, readsMetadata, reducedTemplate } from '../src/guard-template';

jest.setTimeout(120_000);

const scope = (types: string[], metadata = false) => ({ resourceTypes: new Set(types), readsMetadata: metadata });
const reduce = (t: unknown, types: string[], metadata = false) => {
  const out = reducedTemplate(JSON.stringify(t), scope(types, metadata));
  return out === undefined ? undefined : JSON.parse(out);
};

describe('reducedTemplate: what the Guard rules can see', () => {
  const template = {
    AWSTemplateFormatVersion: '2010-09-09',
    Parameters: { P: { Type: 'String' } },
    Resources: {
      Bucket: {
        Type: 'AWS::S3::Bucket',
        Properties: { BucketName: { 'Fn::Sub': '${Prefix}-data' } },
        Metadata: { 'aws:cdk:path': 'a/b', guard: { SuppressedRules: ['X'] } },
      },
      Prefix: { Type: 'Custom::Prefix', Properties: { Value: 'x' } },
      Policy: {
        Type: 'AWS::S3::BucketPolicy',
        Properties: { Bucket: { Ref: 'Bucket' }, PolicyDocument: { 'Fn::GetAtt': ['Doc', 'Json'] } },
        DependsOn: ['Waiter'],
      },
      Doc: { Type: 'Custom::Doc', Properties: { Key: { 'Fn::GetAtt': 'KeyHolder.Arn' } } },
      KeyHolder: { Type: 'Custom::KeyHolder' },
      Waiter: { Type: 'AWS::CloudFormation::WaitConditionHandle' },
      Meta: { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'v2:deflate64:...' } },
      Lonely: { Type: 'Custom::Lonely', Properties: { Ref: 'not-an-intrinsic-here' } },
      ForOutput: { Type: 'Custom::Out' },
      Odd: { Properties: { NoType: true } },
      Lower: { type: ['AWS::S3::Bucket'] },
    },
    Outputs: { O: { Value: { Ref: 'ForOutput' } } },
  };

  test('keeps the resources of the rules’ types, what they and the outputs refer to (transitively), and untyped resources; drops the rest', () => {
    const out = reduce(template, ['AWS::S3::Bucket', 'AWS::S3::BucketPolicy']);
    expect(Object.keys(out.Resources).sort()).toEqual(['Bucket', 'Doc', 'ForOutput', 'KeyHolder', 'Lower', 'Odd', 'Policy', 'Prefix', 'Waiter']);
    expect(out.Parameters).toEqual(template.Parameters);
    expect(out.Outputs).toEqual(template.Outputs);
  });

  test("resource Metadata keeps only Guard's own key, unless a rule reads Metadata", () => {
    expect(reduce(template, ['AWS::S3::Bucket']).Resources.Bucket.Metadata).toEqual({ guard: { SuppressedRules: ['X'] } });
    expect(reduce(template, ['AWS::S3::Bucket'], true).Resources.Bucket.Metadata).toEqual(template.Resources.Bucket.Metadata);
    expect(readsMetadata('let x = Resources.*[ Metadata.guard exists ]')).toBe(true);
    expect(readsMetadata('MetadataOptions.HttpTokens == "required"\n# Metadata in a comment')).toBe(false);
  });

  test('evaluates the original when JavaScript might not parse it as the evaluator does', () => {
    const deep = (n: number) => ({ Resources: { A: { Type: 'AWS::S3::Bucket', Properties: JSON.parse('{"a":'.repeat(n) + '1' + '}'.repeat(n)) } } });
    expect(reduce(deep(MAX_DEPTH - 10), ['AWS::S3::Bucket'])).toBeDefined();
    expect(reduce(deep(MAX_DEPTH + 10), ['AWS::S3::Bucket'])).toBeUndefined();
    // A lone surrogate even in a resource that would be dropped: the evaluator refuses the whole template.
    expect(reducedTemplate('{"Resources":{"A":{"Type":"Custom::X","Properties":{"s":"\\ud83d"}}}}', scope(['AWS::S3::Bucket']))).toBeUndefined();
    expect(reducedTemplate('\ufeff{"Resources":{}}', scope([]))).toBeUndefined();
    expect(reducedTemplate('{"Resources":[]}', scope([]))).toBeUndefined();
    expect(reducedTemplate('[1]', scope([]))).toBeUndefined();
  });
});

describe('the findings are the same with and without the reduction', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test('on a stack of many services with cross references and metadata', () => {
    const dir = mkdtempSync(join(tmpdir(), 'guard-reduce-'));
    dirs.push(dir);
    const app = new App({ outdir: dir });
    const stack = new Stack(app, 'Reduce', { env: { account: '111111111111', region: 'eu-west-1' } });
    const key = new kms.Key(stack, 'Key', { removalPolicy: RemovalPolicy.DESTROY });
    const bucket = new s3.Bucket(stack, 'Bucket', { encryptionKey: key });
    const queue = new sqs.Queue(stack, 'Queue', { retentionPeriod: Duration.days(1) });
    const group = new logs.LogGroup(stack, 'Logs', { encryptionKey: key });
    const fn = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_20_X,
      handler: 'i.h',
      code: lambda.Code.fromInline('exports.h=1'),
      logGroup: group,
    });
    bucket.grantRead(fn);
    queue.grantSendMessages(fn);
    new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal(), managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')] });
    new CfnResource(stack, 'Custom', { type: 'Custom::Thing', properties: { BucketArn: bucket.bucketArn, QueueUrl: queue.queueUrl } });
    new CfnOutput(stack, 'Out', { value: fn.functionArn });
    const path = app.synth().getStackByName('Reduce').templateFullPath;
    const types = templateResourceTypes([path]);
    const disabled = new Set(inapplicableRuleFiles(types));
    const applicable = controlTowerRuleFiles().filter((f) => !disabled.has(f.name));
    const root = join(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'), '..', 'rules', 'control-tower', 'cfn-guard');
    const texts = new Map(readdirSync(root).flatMap((d) => readdirSync(join(root, d)).map((f) => [f.replace(/\.guard$/, ''), join(root, d, f)] as const)));
    const rules = applicable.map((f) => ({ name: f.name, content: readFileSync(texts.get(f.name)!, 'utf8') }));
    const ruleScope = { resourceTypes: new Set(applicable.flatMap((f) => f.resourceTypes)), readsMetadata: rules.some((r) => readsMetadata(r.content)) };
    // The reduction drops something here (else this test would prove nothing).
    const reduced = JSON.parse(reducedTemplate(readFileSync(path, 'utf8'), ruleScope)!);
    expect(Object.keys(reduced.Resources).length).toBeLessThan(Object.keys(JSON.parse(readFileSync(path, 'utf8')).Resources).length);
    const full = guardViolations(rules, [path]);
    expect(full.length).toBeGreaterThan(0);
    expect(guardViolations(rules, [path], ruleScope)).toEqual(full);
  });
});
