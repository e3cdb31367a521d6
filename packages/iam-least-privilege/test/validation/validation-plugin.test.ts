import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { LeastPrivilegeValidationPlugin, PolicyRule, PolicyValidator } from '../../lib/validation';
import { pinToday, WAIVER } from './helpers';

// Suppressions are judged on a fixed day (GUARDRAILS_TODAY), and WAIVER is valid on it.
pinToday();

const tmpDirs: string[] = [];
afterAll(() => tmpDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function appWithPlugin(): App {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'lp-plugin-'));
  tmpDirs.push(outdir);
  const app = new App({ outdir });
  Validations.of(app).addPlugins(new LeastPrivilegeValidationPlugin());
  return app;
}

function roleWith(stack: Stack, statement: iam.PolicyStatement): iam.Role {
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  role.addToPrincipalPolicy(statement);
  return role;
}

describe('LeastPrivilegeValidationPlugin', () => {
  test('a clean app synthesizes', () => {
    const app = appWithPlugin();
    const stack = new Stack(app, 'Clean');
    roleWith(stack, new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::reports/*'] }));
    expect(() => app.synth()).not.toThrow();
  });

  test('cdk synth fails and the report names the rule, the construct path and the statement', () => {
    // GIVEN
    const app = appWithPlugin();
    const stack = new Stack(app, 'Wide');
    roleWith(stack, new iam.PolicyStatement({ actions: ['*'], resources: ['*'] }));

    // THEN: the thrown report lists the finding, its construct path and the fix
    expect(() => app.synth()).toThrow(
      /ERROR \[ALLOW_STAR_ACTION\] Allow with Action "\*" in statement \{"Action":"\*","Effect":"Allow","Resource":"\*"\}.*\(cdk-guardrails-least-privilege\)\s+Wide\/Role\/DefaultPolicy\/Resource/,
    );
  });

  test('checks the templates of nested stages too', () => {
    const app = appWithPlugin();
    const stage = new Stage(app, 'Prod');
    const stack = new Stack(stage, 'Nested');
    roleWith(stack, new iam.PolicyStatement({ actions: ['iam:*'], resources: ['*'] }));
    expect(() => app.synth()).toThrow(/\[WILDCARD_ACTION_ON_ALL_RESOURCES\][\s\S]*Prod\/Nested\/Role\/DefaultPolicy\/Resource/);
  });

  test('honours suppressions with a reason (read from the template Metadata)', () => {
    const app = appWithPlugin();
    const stack = new Stack(app, 'Suppressed');
    const role = roleWith(stack, new iam.PolicyStatement({ actions: ['s3:Get*'], resources: ['*'] }));
    PolicyValidator.suppress(role, PolicyRule.WILDCARD_ACTION_ON_ALL_RESOURCES, 'Inventory job reads every bucket by design', WAIVER);
    expect(() => app.synth()).not.toThrow();
  });

  test('validate() reports one violation per finding, with the template path and location', () => {
    // GIVEN a template written by hand, the way the plugin receives it
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lp-plugin-ctx-'));
    tmpDirs.push(dir);
    const templatePath = path.join(dir, 'S.template.json');
    fs.writeFileSync(
      templatePath,
      JSON.stringify({
        Resources: {
          Managed: {
            Type: 'AWS::IAM::ManagedPolicy',
            Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }] } },
          },
          Waived: {
            Type: 'AWS::IAM::ManagedPolicy',
            Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }] } },
            Metadata: {
              guardrails_policy_validator: {
                suppressions: [{ rule: 'ALLOW_NOT_ACTION', reason: 'Break-glass role, reviewed', ...WAIVER }],
              },
            },
          },
        },
      }),
    );

    // WHEN
    const report = new LeastPrivilegeValidationPlugin().validate({
      templatePaths: [templatePath],
      stackTemplates: [{ templatePath, stackConstructPath: 'S', accountId: undefined, region: undefined }],
      appConstruct: new App(),
    });

    // THEN
    expect(report.success).toBe(false);
    expect(report.violations).toEqual([
      expect.objectContaining({
        ruleName: 'ALLOW_NOT_ACTION',
        severity: 'error',
        violatingResources: [{ resourceLogicalId: 'Managed', templatePath, locations: ['Properties.PolicyDocument.Statement[0]'] }],
      }),
    ]);
    expect(report.metadata).toEqual(
      expect.objectContaining({ templates: '1', policies: '2', suppressed: '1', dataset: expect.stringMatching(/^@cloud-copilot\/iam-data@/) }),
    );
  });
});
