/**
 * The Control Tower rule files evaluated as one namespaced file (guard-rule-merge.ts) report exactly
 * what they report as separate files: every diagnostic of every bundled file, on documents that hold a
 * resource of every type the files report on and every hook key they read.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { controlTowerRuleFiles } from '../src/control-tower-validator';
import { guardViolations, mergedRuleSources } from '../src/guard-engine';
import { namespacedRuleText, namespacePrefix, withoutNamespace } from '../src/guard-rule-merge';

jest.setTimeout(300_000);

const rulesDir = join(dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'rules', 'control-tower', 'cfn-guard');
function ruleText(name: string): string {
  const service = readdirSync(rulesDir).find((s) => existsSync(join(rulesDir, s, `${name}.guard`)));
  return readFileSync(join(rulesDir, service ?? '', `${name}.guard`), 'utf8');
}
const all = () => controlTowerRuleFiles().map((f) => ({ name: f.name, content: ruleText(f.name) }));

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function write(templates: Record<string, unknown>): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'ct-merge-'));
  dirs.push(dir);
  return Object.entries(templates).map(([name, t]) => {
    const path = join(dir, `${name}.template.json`);
    writeFileSync(path, JSON.stringify(t));
    return path;
  });
}

describe('namespacedRuleText', () => {
  const rule = [
    '# let commented = 1 and rule commented_rule',
    "let TYPE = 'AWS::S3::Bucket'",
    'let INPUT_DOCUMENT = this',
    'let buckets = Resources.*[ Type == %TYPE ]',
    'rule bucket_check when is_cfn_template(%INPUT_DOCUMENT) %buckets not empty {',
    '    check(%buckets.Properties)',
    '    <<',
    '    [CT.X.PR.1]: check buckets with %buckets and is_cfn_template',
    '    >>',
    '}',
    'rule check(buckets) {',
    '    let local = %buckets.check',
    '    %local { TYPE exists',
    "      buckets == /check|TYPE/ or Name == 'let buckets' }",
    '}',
    'rule is_cfn_template(doc) {',
    '    %doc { Resources exists }',
    '}',
  ].join('\n');

  test('renames every name the file declares where the file uses it, and nothing else', () => {
    expect(namespacedRuleText(rule, 'ct7__')).toBe(
      [
        '# let commented = 1 and rule commented_rule',
        "let ct7__TYPE = 'AWS::S3::Bucket'",
        'let ct7__INPUT_DOCUMENT = this',
        'let ct7__buckets = Resources.*[ Type == %ct7__TYPE ]',
        'rule ct7__bucket_check when ct7__is_cfn_template(%ct7__INPUT_DOCUMENT) %ct7__buckets not empty {',
        '    ct7__check(%ct7__buckets.Properties)',
        '    <<',
        '    [CT.X.PR.1]: check buckets with %buckets and is_cfn_template',
        '    >>',
        '}',
        'rule ct7__check(ct7__buckets) {',
        // A property named like a rule or a variable (`.check`, `TYPE`, `buckets`) is a property.
        '    let ct7__local = %ct7__buckets.check',
        '    %ct7__local { TYPE exists',
        "      buckets == /check|TYPE/ or Name == 'let buckets' }",
        '}',
        'rule ct7__is_cfn_template(ct7__doc) {',
        '    %ct7__doc { Resources exists }',
        '}',
      ].join('\n'),
    );
    expect(withoutNamespace(namespacedRuleText(rule, 'ct7__')!)).toBe(rule);
  });

  test('leaves a file it cannot read whole as a file of its own', () => {
    // A clause outside any rule is an unnamed rule of the file.
    expect(namespacedRuleText(`${rule}\nResources exists\n`, 'ct1__')).toBeUndefined();
    // A literal or a message that does not close.
    expect(namespacedRuleText("let a = 'x\nrule r { %a exists }", 'ct1__')).toBeUndefined();
    expect(namespacedRuleText('rule r { Resources exists << open }', 'ct1__')).toBeUndefined();
    // A name that already looks namespaced could not be told from one this wrote.
    expect(namespacedRuleText("let ct3__a = 'x'\nrule r { %ct3__a exists }", 'ct1__')).toBeUndefined();
    // A parameter list that is not names.
    expect(namespacedRuleText("rule r('x') { Resources exists }", 'ct1__')).toBeUndefined();
  });

  test('every bundled rule file is namespaced, and none holds a name that looks namespaced', () => {
    const files = all();
    expect(files.length).toBeGreaterThanOrEqual(237);
    for (const f of files) {
      expect(withoutNamespace(f.content)).toBe(f.content);
      expect([f.name, namespacedRuleText(f.content, namespacePrefix(0)) !== undefined]).toEqual([f.name, true]);
    }
    const { sources, merged } = mergedRuleSources(files);
    expect(merged).toBe(true);
    expect(sources).toHaveLength(1);
  });

  test('a rule set with a file that cannot be namespaced and holds a namespaced-looking name is not merged', () => {
    const odd = { name: 'odd', content: "let ct0__x = 'y'\nResources exists" };
    const { sources, merged } = mergedRuleSources([{ name: 'r', content: rule }, odd]);
    expect(merged).toBe(false);
    expect(sources.map((s) => s.name)).toEqual(['r', 'odd']);
    // A file that cannot be namespaced otherwise is evaluated as a file of its own beside the merged one.
    const plain = { name: 'plain', content: 'Resources exists' };
    expect(mergedRuleSources([{ name: 'r', content: rule }, plain]).sources.map((s) => s.name)).toEqual(['control-tower-namespaced-rules', 'plain']);
  });
});

test('every bundled rule file reports the same in the merged file as alone: every rule, resource, path and message', () => {
  const files = controlTowerRuleFiles();
  // A resource of every type a file reports on or names, with no properties (most checks fail on a
  // missing property) and with properties most rules read set to values they refuse.
  const types = [...new Set(files.flatMap((f) => [...(f.gates?.reportsOn ?? []), ...f.resourceTypes]))].sort();
  const id = (t: string): string => t.replace(/[^A-Za-z0-9]/g, '');
  const bare = Object.fromEntries(types.map((t) => [id(t), { Type: t }]));
  const open = { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' };
  const filled = Object.fromEntries(
    types.map((t) => [
      id(t),
      {
        Type: t,
        Properties: {
          PolicyDocument: { Statement: [open] },
          KeyPolicy: { Statement: [open] },
          Policies: [{ PolicyName: 'p', PolicyDocument: { Statement: [open] } }],
          AssumeRolePolicyDocument: { Statement: [open] },
          Encrypted: false,
          PubliclyAccessible: true,
          StorageEncrypted: false,
          EnableKeyRotation: false,
          RetentionInDays: 1,
          Tags: [{ Key: 'k', Value: 'v' }],
        },
      },
    ]),
  );
  const hookKeys = [...new Set(files.flatMap((f) => f.gates?.hookKeys ?? []))].sort();
  const hook = Object.fromEntries(hookKeys.map((k) => [k, { resourceProperties: {} }]));
  const paths = write({ Bare: { Resources: bare }, Filled: { Resources: filled }, Hook: hook });

  const texts = all();
  const key = (v: ReturnType<typeof guardViolations>[number]): string[] =>
    v.violatingResources.map((r) => JSON.stringify([v.ruleName, v.description, v.fix, r.templatePath.split('/').pop(), r.resourceLogicalId, r.locations]));
  const reference = guardViolations(texts, paths, undefined, { merge: false }).flatMap(key).sort();
  const merged = guardViolations(texts, paths).flatMap(key).sort();
  // Most files find something here (a test that finds nothing would prove nothing).
  expect(new Set(reference.map((k) => JSON.parse(k)[0])).size).toBeGreaterThan(150);
  expect(merged).toEqual(reference);
});
