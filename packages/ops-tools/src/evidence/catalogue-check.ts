/**
 * The checks of the control catalogue against the repository: every reference in
 * `compliance/catalogue.json` must name something that exists, and every guarantee of README.md
 * must have an entry. `checkCatalogue` returns the problems (empty when the catalogue is true);
 * the references are read once by `loadCatalogueReferences`, from the files of the repository and
 * of the installed cdk-nag and @cdklabs/cdk-validator-cfnguard (no network).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ControlCatalogue } from './catalogue';
import { ROOT } from '../repository';

/** What the catalogue is checked against. */
export interface CatalogueReferences {
  /** README.md, whitespace-normalised. */
  readonly readme: string;
  /** The bullets under "What the guardrails guarantee", whitespace-normalised. */
  readonly guaranteeBullets: readonly string[];
  /** `Guardrails-<Rule>` ids: the `namedRule('<Rule>'` calls of packages/compliance-rules/lib/rules (sources). */
  readonly guardrailsRuleIds: ReadonlySet<string>;
  /** `<pack>-<rule>` ids of the installed cdk-nag packs. */
  readonly cdkNagRuleIds: ReadonlySet<string>;
  /** `CT.<SERVICE>.PR.<n>` ids of the installed Control Tower Guard rule files. */
  readonly controlTowerIds: ReadonlySet<string>;
  /** `cdk-guardrails-least-privilege::<RULE>` ids: the PolicyRule values of iam-least-privilege. */
  readonly leastPrivilegeRuleIds: ReadonlySet<string>;
  /** NIST 800-53 Rev 5 controls of each `NIST.800.53.R5-<rule>`, from cdk-nag's RULES.md (vendored). */
  readonly nistControlsByRule: Readonly<Record<string, readonly string[]>>;
  /** config/config.schema.json, for the evidence config fields. */
  readonly configSchema: unknown;
  /** The entry ids docs/compliance-catalogue.md lists under "Known gaps" (in backquotes at the start of a bullet). */
  readonly knownGapIds: ReadonlySet<string>;
  /** The repository root that test files and packages are resolved against. */
  readonly root: string;
}

/** Where the vendored lines of cdk-nag's RULES.md are. */
export const CDK_NAG_NIST_FILE = join(ROOT, 'compliance', 'sources', 'cdk-nag-nist-800-53-r5.json');

const CDK_NAG_PACK_PREFIXES = ['AwsSolutions', 'NIST.800.53.R5', 'PCI.DSS.321', 'HIPAA.Security', 'NIST.800.53.R4', 'Serverless'];
/** The validation plugin name of iam-least-privilege's LeastPrivilegeValidationPlugin: its rule ids are `<name>::<RULE>`. */
export const LEAST_PRIVILEGE_PLUGIN = 'cdk-guardrails-least-privilege';

/** Collapses every run of whitespace to one space. */
export function normaliseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The bullets of the README section "What the guardrails guarantee", continuation lines joined. */
export function guaranteeBullets(readme: string): string[] {
  const start = readme.indexOf('What the guardrails guarantee');
  if (start < 0) return [];
  const rest = readme.slice(start);
  const end = rest.search(/\n## /);
  const section = end < 0 ? rest : rest.slice(0, end);
  const bullets: string[] = [];
  for (const line of section.split('\n')) {
    if (/^- /.test(line)) bullets.push(line.slice(2));
    else if (bullets.length > 0 && /^\s+\S/.test(line)) bullets[bullets.length - 1] += ' ' + line;
  }
  return bullets.map(normaliseWhitespace);
}

/** The titles of the `test(...)`, `it(...)` and `test.each(...)(...)` calls of a test file. */
export function testTitles(source: string): string[] {
  const titles: string[] = [];
  const call = /(?:\b(?:test|it)(?:\.(?:only|skip|concurrent|failing))?|\]\s*\))\s*\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g;
  for (const m of source.matchAll(call)) titles.push(m[2].replace(/\\(['"`\\])/g, '$1'));
  return titles;
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function packageDir(root: string, pkg: string): string {
  return join(root, 'node_modules', pkg);
}

/** The rule ids of the installed cdk-nag packs: `<packName>-<ruleSuffixOverride or rule function name>`. */
function cdkNagRuleIds(root: string): Set<string> {
  const packs = join(packageDir(root, 'cdk-nag'), 'lib', 'packs');
  const ids = new Set<string>();
  for (const file of readdirSync(packs).filter((f) => f.endsWith('.js'))) {
    const text = readFileSync(join(packs, file), 'utf8')
      .split('\n')
      .filter((l) => !l.startsWith('//#'))
      .join('\n');
    const pack = /this\.packName = '([^']+)'/.exec(text);
    if (!pack) continue;
    for (const call of text.split('this.applyRule({').slice(1)) {
      const body = call.slice(0, call.indexOf('});'));
      const suffix = /ruleSuffixOverride: '([^']+)'/.exec(body)?.[1] ?? /rule: (?:[A-Za-z0-9_]+\.)?([A-Za-z0-9_]+),/.exec(body)?.[1];
      if (suffix) ids.add(`${pack[1]}-${suffix}`);
    }
  }
  return ids;
}

/** The control ids of the installed Control Tower Guard rule files (`ct-<service>-pr-<n>.guard`), as app-kit finds them. */
function controlTowerIds(root: string): Set<string> {
  const dir = join(packageDir(root, '@cdklabs/cdk-validator-cfnguard'), 'rules', 'control-tower', 'cfn-guard');
  const ids = new Set<string>();
  for (const service of readdirSync(dir)) {
    for (const file of readdirSync(join(dir, service))) {
      const id = /^ct-([a-z0-9]+)-pr-(\d+)\.guard$/.exec(file);
      if (id) ids.add(`CT.${id[1].toUpperCase()}.PR.${id[2]}`);
    }
  }
  return ids;
}

/** Reads everything `checkCatalogue` needs from the repository at `root`. */
export function loadCatalogueReferences(root: string = ROOT): CatalogueReferences {
  const readmeText = readFileSync(join(root, 'README.md'), 'utf8');
  const guardrails = new Set<string>();
  for (const file of sourceFiles(join(root, 'packages', 'compliance-rules', 'lib', 'rules'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/namedRule\('([A-Za-z0-9]+)'/g)) guardrails.add(`Guardrails-${m[1]}`);
  }
  const policyRule = readFileSync(join(root, 'packages', 'iam-least-privilege', 'lib', 'validation', 'policy-rule.ts'), 'utf8');
  const leastPrivilege = new Set([...policyRule.matchAll(/^\s*([A-Z_]+) = '\1',?$/gm)].map((m) => `${LEAST_PRIVILEGE_PLUGIN}::${m[1]}`));
  const nist = JSON.parse(readFileSync(join(root, 'compliance', 'sources', 'cdk-nag-nist-800-53-r5.json'), 'utf8')) as { rules: Record<string, string[]> };
  return {
    readme: normaliseWhitespace(readmeText),
    guaranteeBullets: guaranteeBullets(readmeText),
    guardrailsRuleIds: guardrails,
    cdkNagRuleIds: cdkNagRuleIds(root),
    controlTowerIds: controlTowerIds(root),
    leastPrivilegeRuleIds: leastPrivilege,
    nistControlsByRule: nist.rules,
    configSchema: JSON.parse(readFileSync(join(root, 'config', 'config.schema.json'), 'utf8')),
    knownGapIds: knownGapIds(readFileSync(join(root, 'docs', 'compliance-catalogue.md'), 'utf8')),
    root,
  };
}

/** The entry ids of the "Known gaps" section: the backquoted ids that start its bullets (`- \`A\`, \`B\`: ...`). */
export function knownGapIds(doc: string): Set<string> {
  const start = doc.indexOf('## Known gaps');
  if (start < 0) return new Set();
  const rest = doc.slice(start + 1);
  const section = rest.slice(0, rest.search(/\n## /) < 0 ? undefined : rest.search(/\n## /));
  const ids = new Set<string>();
  for (const line of section.split('\n')) {
    const lead = /^- ((?:`[A-Z0-9-]+`(?:, )?)+)/.exec(line);
    if (lead) for (const m of lead[1].matchAll(/`([A-Z0-9-]+)`/g)) ids.add(m[1]);
  }
  return ids;
}

/** Whether a dotted path names a property of the config schema (a path below a property without `properties` is accepted). */
export function isConfigField(schema: unknown, path: string): boolean {
  let node = schema as { properties?: Record<string, unknown> } | undefined;
  for (const key of path.split('.')) {
    if (node?.properties === undefined) return node !== undefined && node !== schema;
    node = node.properties[key] as typeof node;
    if (node === undefined) return false;
  }
  return true;
}

/** Which rule set an id belongs to, or undefined. */
function ruleProblem(id: string, refs: CatalogueReferences): string | undefined {
  if (id.startsWith('Guardrails-')) {
    return refs.guardrailsRuleIds.has(id)
      ? undefined
      : `expected a rule of packages/compliance-rules/lib/rules: ${[...refs.guardrailsRuleIds].sort().join(', ')}`;
  }
  if (CDK_NAG_PACK_PREFIXES.some((p) => id.startsWith(`${p}-`))) {
    return refs.cdkNagRuleIds.has(id) ? undefined : 'expected a rule id of the installed cdk-nag packs (<pack>-<rule>)';
  }
  if (id.startsWith('CT.'))
    return refs.controlTowerIds.has(id) ? undefined : 'expected the control id of a Control Tower Guard rule file of @cdklabs/cdk-validator-cfnguard';
  if (id.startsWith(`${LEAST_PRIVILEGE_PLUGIN}::`)) {
    return refs.leastPrivilegeRuleIds.has(id) ? undefined : `expected one of ${[...refs.leastPrivilegeRuleIds].sort().join(', ')}`;
  }
  return `expected Guardrails-<Rule>, a cdk-nag id (${CDK_NAG_PACK_PREFIXES.join('-, ')}-), CT.<SERVICE>.PR.<n> or ${LEAST_PRIVILEGE_PLUGIN}::<RULE>`;
}

function exportsName(root: string, pkg: string, name: string): boolean {
  const dir = join(root, 'packages', pkg.replace(/^@cdk-guardrails\//, ''), 'lib');
  const declaration = new RegExp(`^export (?:declare )?(?:abstract )?(?:class|function|const|interface|enum) ${name}\\b`, 'm');
  return sourceFiles(dir).some((f) => declaration.test(readFileSync(f, 'utf8')));
}

/**
 * The problems of a catalogue, each `<where>: <field>: received <value>; expected <what is allowed>`.
 * Empty when every reference holds.
 */
export function checkCatalogue(catalogue: ControlCatalogue, refs: CatalogueReferences, file = 'compliance/catalogue.json'): string[] {
  const problems: string[] = [];
  const fail = (where: string, value: string, expected: string) => problems.push(`${file}: ${where}: received ${JSON.stringify(value)}; ${expected}`);
  const readmes: string[] = [];
  const titles = new Map<string, string[] | undefined>();
  for (const [i, entry] of catalogue.controls.entries()) {
    const at = `controls.${i} (${entry.id})`;
    const readme = normaliseWhitespace(entry.readme);
    readmes.push(readme);
    if (!refs.readme.includes(readme)) fail(`${at}.readme`, entry.readme, 'expected a text of README.md (whitespace-normalised)');
    for (const [j, c] of entry.enforcedBy.entries()) {
      if (!exportsName(refs.root, c.package, c.construct))
        fail(`${at}.enforcedBy.${j}`, `${c.package} ${c.construct}`, 'expected a name the package exports from its lib/');
    }
    if (entry.tests.length === 0) fail(`${at}.tests`, '[]', 'expected at least one test');
    for (const [j, t] of entry.tests.entries()) {
      if (!titles.has(t.file)) {
        const path = join(refs.root, t.file);
        titles.set(t.file, existsSync(path) ? testTitles(readFileSync(path, 'utf8')) : undefined);
      }
      const inFile = titles.get(t.file);
      if (inFile === undefined) fail(`${at}.tests.${j}.file`, t.file, 'expected a test file of the repository');
      else if (!inFile.some((title) => title.includes(t.name)))
        fail(`${at}.tests.${j}.name`, t.name, `expected a text contained in a test/it title of ${t.file}`);
    }
    if (entry.rules.length === 0) fail(`${at}.rules`, '[]', 'expected at least one synth-time rule');
    for (const [j, rule] of entry.rules.entries()) {
      const problem = ruleProblem(rule, refs);
      if (problem !== undefined) fail(`${at}.rules.${j}`, rule, problem);
    }
    for (const [j, field] of entry.evidence.configFields.entries()) {
      if (!isConfigField(refs.configSchema, field)) fail(`${at}.evidence.configFields.${j}`, field, 'expected a dotted path of config/config.schema.json');
    }
    const nistRules = entry.rules.filter((r) => r.startsWith('NIST.800.53.R5-'));
    const listed = new Set(nistRules.flatMap((r) => refs.nistControlsByRule[r] ?? []));
    for (const [j, m] of entry.mappings.entries()) {
      if (m.framework !== 'nist-800-53-r5' || m.source !== 'cdk-nag-rules') continue;
      if (!listed.has(m.control)) {
        fail(
          `${at}.mappings.${j}.control`,
          m.control,
          `expected a control RULES.md lists for the entry's NIST rules (${nistRules.join(', ') || 'none cited'})`,
        );
      }
    }
  }
  // The doc's "Known gaps" and the entries' ruleGap say the same: the evidence shows the gap beside the status.
  const withGap = new Set(catalogue.controls.filter((c) => c.ruleGap !== undefined).map((c) => c.id));
  for (const id of refs.knownGapIds) {
    if (!withGap.has(id)) fail(`controls (${id})`, id, 'expected a ruleGap on the entry that docs/compliance-catalogue.md lists under "Known gaps"');
  }
  for (const id of withGap) {
    if (!refs.knownGapIds.has(id)) fail(`controls (${id}).ruleGap`, id, 'expected the entry listed under "Known gaps" in docs/compliance-catalogue.md');
  }
  for (const bullet of refs.guaranteeBullets) {
    if (!readmes.some((r) => bullet.includes(r)))
      fail('controls', bullet.slice(0, 80), 'expected an entry whose readme is a text of this README guarantee bullet');
  }
  return problems;
}
