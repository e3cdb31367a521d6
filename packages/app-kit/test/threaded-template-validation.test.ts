/**
 * aws-cdk-lib's built-in template validation with worker threads reports exactly what the plugin
 * reports on all templates at once, and runs only where aws-cdk-lib's default would.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, CloudFormationValidatePlugin, IPolicyValidationContext, Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { addThreadedTemplateValidation, combinedReport, ThreadedTemplateValidation } from '../src/threaded-template-validation';

jest.setTimeout(300_000);

const dir = mkdtempSync(join(tmpdir(), 'threaded-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Templates the built-in rules and schemas refuse in different ways, several rules on several templates.
function template(n: number): unknown {
  return {
    Resources: {
      [`Bucket${n}`]: { Type: 'AWS::S3::Bucket', Properties: n % 2 ? { Foo: 1 } : { BucketName: 5 } },
      [`Queue${n}`]: { Type: 'AWS::SQS::Queue', Properties: n % 3 ? { MessageRetentionPeriod: 'x' } : {} },
      ...(n % 4 === 1
        ? {
            [`Fn${n}`]: {
              Type: 'AWS::Lambda::Function',
              Properties: { Runtime: 'nodejs8.10', Code: { ZipFile: 'x' }, Handler: 'h', Role: 'arn:aws:iam::123456789012:role/x' },
            },
          }
        : {}),
      ...(n % 5 === 2 ? { [`Key${n}`]: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: {}, PendingWindowInDays: 1 } } } : {}),
    },
  };
}
const stackTemplates = Array.from({ length: 19 }, (_, n) => {
  const templatePath = join(dir, `t${n}.template.json`);
  writeFileSync(templatePath, JSON.stringify(template(n)));
  return { stackConstructPath: `Stack${n}`, templatePath, accountId: '123456789012', region: n % 2 ? 'eu-west-1' : 'us-east-1' };
});
const context = { templatePaths: stackTemplates.map((s) => s.templatePath), stackTemplates } as unknown as IPolicyValidationContext;

describe('ThreadedTemplateValidation', () => {
  const reference = new CloudFormationValidatePlugin().validate(context);

  test('the reference finds several rules, each on several templates (a comparison of nothing would prove nothing)', () => {
    expect(reference.success).toBe(false);
    expect(reference.violations.length).toBeGreaterThan(4);
    expect(reference.violations.filter((v) => new Set(v.violatingResources.map((r) => r.templatePath)).size > 3).length).toBeGreaterThan(3);
  });

  test.each([
    [0, true],
    [1, false],
    [3, false],
    [2, true],
  ])('%d worker thread(s) (synth thread takes part: %s) report exactly what the plugin reports', (threads, inThisThread) => {
    expect(new ThreadedTemplateValidation(threads, inThisThread).validate(context)).toEqual(reference);
  });

  test('the per-template reports are put together in template order, one violation per rule, severity and description', () => {
    const v = (ruleName: string, description: string, templatePath: string) => ({
      ruleName,
      description,
      severity: 'error',
      violatingResources: [{ resourceLogicalId: 'R', templatePath, locations: [] }],
    });
    const combined = combinedReport([[v('A', 'a', 't1'), v('B', 'b', 't1')], [v('B', 'b', 't2'), v('A', 'other', 't2')], [v('A', 'a', 't3')]]);
    expect(combined.violations.map((x) => [x.ruleName, x.description, x.violatingResources.map((r) => r.templatePath)])).toEqual([
      ['A', 'a', ['t1', 't3']],
      ['B', 'b', ['t1', 't2']],
      ['A', 'other', ['t2']],
    ]);
    expect(combined.success).toBe(false);
    expect(combinedReport([[{ ...v('W', 'w', 't1'), severity: 'warning' }]]).success).toBe(true);
  });
});

describe('addThreadedTemplateValidation', () => {
  const registered = (app: App) =>
    ((app as unknown as { _validationPlugins: unknown[] })._validationPlugins ?? []).filter((p) => p instanceof CloudFormationValidatePlugin);
  // The package tests turn the built-in validation off (jest.no-cfn-validation.js); these set it themselves.
  function withValidation<T>(value: string | undefined, body: () => T): T {
    const saved = process.env.CDK_VALIDATION;
    if (value === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = value;
    try {
      return body();
    } finally {
      if (saved === undefined) delete process.env.CDK_VALIDATION;
      else process.env.CDK_VALIDATION = saved;
    }
  }

  test('replaces the default, once', () => {
    const app = new App();
    withValidation(undefined, () => {
      addThreadedTemplateValidation(app);
      addThreadedTemplateValidation(app);
    });
    expect(registered(app)).toHaveLength(1);
    expect(registered(app)[0]).toBeInstanceOf(ThreadedTemplateValidation);
  });

  test('not where the default would not run: builtinCloudFormationValidation false, CDK_VALIDATION=false, a plugin of the app', () => {
    const off = new App({ builtinCloudFormationValidation: false });
    withValidation(undefined, () => addThreadedTemplateValidation(off));
    expect(registered(off)).toHaveLength(0);

    const env = new App();
    withValidation('false', () => addThreadedTemplateValidation(env));
    expect(registered(env)).toHaveLength(0);

    const own = new App();
    const plugin = new CloudFormationValidatePlugin();
    Validations.of(own).addPlugins(plugin);
    withValidation(undefined, () => addThreadedTemplateValidation(own));
    expect(registered(own)).toEqual([plugin]);
  });

  test('at synth, it validates the templates instead of the default, not beside it', () => {
    const threaded = jest.spyOn(ThreadedTemplateValidation.prototype, 'validate');
    const any = jest.spyOn(CloudFormationValidatePlugin.prototype, 'validate');
    try {
      withValidation(undefined, () => {
        const app = new App({ outdir: mkdtempSync(join(dir, 'app-')) });
        new sqs.Queue(new Stack(app, 'S'), 'Q');
        addThreadedTemplateValidation(app);
        app.synth();
      });
      expect(threaded).toHaveBeenCalledTimes(1);
      expect(any.mock.contexts.length).toBeGreaterThan(0);
      expect(any.mock.contexts.every((c) => c instanceof ThreadedTemplateValidation)).toBe(true);
    } finally {
      threaded.mockRestore();
      any.mockRestore();
    }
  });
});
