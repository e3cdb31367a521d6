/**
 * The Guard rules evaluated by worker threads (guard-engine.ts) report exactly what the synth's own
 * thread reports, in the same order, and fail closed the same way on a template the evaluator refuses.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { availableParallelism, tmpdir } from 'os';
import { dirname, join } from 'path';
import { controlTowerRuleFiles } from '../src/control-tower-validator';
import { guardViolations } from '../src/guard-engine';
import { MIN_INPUTS_PER_THREAD, validationThreads } from '../src/thread-pool';

jest.setTimeout(300_000);

const rulesDir = join(dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'rules', 'control-tower', 'cfn-guard');
function ruleText(name: string): string {
  const service = readdirSync(rulesDir).find((s) => existsSync(join(rulesDir, s, `${name}.guard`)));
  return readFileSync(join(rulesDir, service ?? '', `${name}.guard`), 'utf8');
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function write(templates: Record<string, unknown>[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'ct-threads-'));
  dirs.push(dir);
  return templates.map((t, i) => {
    const path = join(dir, `t${String(i).padStart(2, '0')}.template.json`);
    writeFileSync(path, JSON.stringify(t));
    return path;
  });
}

// The rule files of a few services, and templates that each fail some of them differently.
const services = ['s3', 'kms', 'sqs', 'lambda', 'logs', 'iam'];
const rules = controlTowerRuleFiles()
  .filter((f) => services.some((s) => f.name.startsWith(`ct-${s}-`)))
  .map((f) => ({ name: f.name, content: ruleText(f.name) }));
// Test-only: a wide-open statement in the templates, so that the Control Tower rules have something to report.
const open = { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' };
function template(n: number): Record<string, unknown> {
  const resources: Record<string, unknown> = {
    [`Bucket${n}`]: { Type: 'AWS::S3::Bucket', Properties: n % 2 === 0 ? {} : { VersioningConfiguration: { Status: 'Enabled' } } },
    [`Key${n}`]: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: n % 3 === 0, KeyPolicy: { Statement: [open] } } },
    [`Queue${n}`]: { Type: 'AWS::SQS::Queue', Properties: n % 4 === 0 ? { SqsManagedSseEnabled: true } : {} },
    [`Fn${n}`]: { Type: 'AWS::Lambda::Function', Properties: n % 5 === 0 ? {} : { Runtime: 'nodejs20.x', Code: { ZipFile: 'x' }, Handler: 'i.h', Role: 'r' } },
  };
  if (n % 3 === 1) resources[`Group${n}`] = { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 1 } };
  if (n % 4 === 2)
    resources[`Role${n}`] = {
      Type: 'AWS::IAM::Role',
      Properties: { AssumeRolePolicyDocument: { Statement: [open] }, Policies: [{ PolicyName: 'p', PolicyDocument: { Statement: [open] } }] },
    };
  return { Resources: resources };
}
const count = 19;
const paths = write(Array.from({ length: count }, (_, n) => template(n)));

describe('guard worker threads', () => {
  const reference = guardViolations(rules, paths, undefined, { threads: 0 });

  test('the reference finds something on every template (a comparison of nothing would prove nothing)', () => {
    const templatesWithFindings = new Set(reference.flatMap((v) => v.violatingResources.map((r) => r.templatePath)));
    expect(templatesWithFindings.size).toBe(count);
    expect(new Set(reference.map((v) => v.ruleName)).size).toBeGreaterThan(10);
  });

  test.each([1, 2, 3])('%d worker thread(s) alone report exactly what one thread reports, in the same order', (threads) => {
    expect(guardViolations(rules, paths, undefined, { threads, inThisThread: false })).toEqual(reference);
  });

  test('worker threads beside the synth thread report exactly what one thread reports', () => {
    expect(guardViolations(rules, paths, undefined, { threads: 2 })).toEqual(reference);
  });

  test('a template the evaluator refuses, evaluated by a worker, fails the gate naming it', () => {
    // Nesting past the evaluator's parser limit (128): refused with status ERROR.
    let deep: unknown = 'x';
    for (let i = 0; i < 200; i++) deep = { a: deep };
    const withRefused = write([template(1), { Resources: { Deep: { Type: 'AWS::S3::Bucket', Properties: { Tags: deep } } } }, template(2)]);
    expect(() => guardViolations(rules, withRefused, undefined, { threads: 0 })).toThrow(
      /t01\.template\.json: the Control Tower Guard rules could not evaluate this template/,
    );
    expect(() => guardViolations(rules, withRefused, undefined, { threads: 2, inThisThread: false })).toThrow(
      /t01\.template\.json: the Control Tower Guard rules could not evaluate this template/,
    );
  });

  test('a template a worker cannot read fails the gate naming it', () => {
    const missing = [paths[0], join(dirname(paths[0]), 'missing.template.json'), paths[1]];
    expect(() => guardViolations(rules, missing, undefined, { threads: 0 })).toThrow(/ENOENT/);
    expect(() => guardViolations(rules, missing, undefined, { threads: 1, inThisThread: false })).toThrow(
      /missing\.template\.json: the Control Tower Guard rules could not evaluate this template \(ENOENT/,
    );
  });
});

describe('validationThreads', () => {
  test('by default one thread less than the cores, at most 7, and none for few templates', () => {
    const expected = Math.min(availableParallelism() - 1, 7);
    expect(validationThreads(1000, {})).toBe(expected);
    expect(validationThreads(MIN_INPUTS_PER_THREAD - 1, {})).toBe(0);
    expect(validationThreads(MIN_INPUTS_PER_THREAD, {})).toBe(Math.min(expected, 1));
  });

  test('GUARDRAILS_VALIDATION_THREADS sets the number (0: none), still bounded by the templates', () => {
    expect(validationThreads(1000, { GUARDRAILS_VALIDATION_THREADS: '0' })).toBe(0);
    expect(validationThreads(1000, { GUARDRAILS_VALIDATION_THREADS: '3' })).toBe(3);
    expect(validationThreads(2 * MIN_INPUTS_PER_THREAD, { GUARDRAILS_VALIDATION_THREADS: '12' })).toBe(2);
  });

  test.each(['-1', 'two', '1.5', '100', ' 2'])('refuses GUARDRAILS_VALIDATION_THREADS=%j, naming it, the value and what is allowed', (value) => {
    expect(() => validationThreads(1000, { GUARDRAILS_VALIDATION_THREADS: value })).toThrow(
      `GUARDRAILS_VALIDATION_THREADS: received '${value}'; allowed: a whole number of worker threads from 0 (validate every template in the synth's thread) to 99`,
    );
  });
});
