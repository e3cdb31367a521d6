/**
 * The evidence commands: `npm run evidence` (scripts/evidence.mjs) prints the summary of the last synth
 * of an environment; `npm run synth` (scripts/synth.mjs) writes the OSCAL component definition beside
 * the compliance report with `writeEvidenceFiles` (after checking the SARIF log against its schema).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '@cdk-guardrails/config';
import { Framework, FRAMEWORKS, loadCatalogue } from './catalogue';
import { componentDefinition, OSCAL_VERSION } from './oscal';
import { oscalSchemaErrors, sarifSchemaErrors } from './schemas';
import { collectEvidence, EnvironmentEvidence, readComplianceReport } from './status';
import { evidenceSummary } from './summary';
import { OpsError } from '../ops-error';
import { ROOT } from '../repository';

export const OSCAL_FILE = 'oscal-component.json';

export const EVIDENCE_USAGE = `Usage: npm run evidence -- --env <name> [options]
  --env <name>          environment (config/<name>.json) whose last synth (cdk.out/<name>/) is summarized; required
  --framework <key>     only this framework (repeatable): ${FRAMEWORKS.join(', ')}
  --cdk-out <dir>       read <dir>/<name>/ instead of cdk.out/<name>/ (e.g. a CI artifact)
  --fail-on-open        exit 1 when a guarantee is open (for a pipeline gate)
Run \`npm run synth -- --env <name>\` first: the summary reads its compliance report and templates.`;

export interface EvidenceOptions {
  readonly env: string;
  readonly frameworks: readonly Framework[];
  readonly cdkOut: string;
  readonly failOnOpen: boolean;
  readonly help: boolean;
}

/** Parses the arguments of `npm run evidence`; throws OpsError (exit 2) naming the argument and what is allowed. */
export function parseEvidenceArgs(argv: readonly string[]): EvidenceOptions {
  let env = '';
  const frameworks: Framework[] = [];
  let cdkOut = join(ROOT, 'cdk.out');
  let failOnOpen = false;
  let help = false;
  const value = (i: number, flag: string): string => {
    const v = argv[i];
    if (v === undefined || v.startsWith('--')) throw new OpsError(`evidence: ${flag} needs a value\n${EVIDENCE_USAGE}`, 2);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] =
      argv[i].startsWith('--') && argv[i].includes('=')
        ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)]
        : [argv[i], undefined];
    const next = () => inline ?? value(++i, flag);
    if (flag === '--env') env = next();
    else if (flag === '--framework') {
      const f = next();
      if (!(FRAMEWORKS as readonly string[]).includes(f))
        throw new OpsError(`evidence: --framework: received '${f}'; expected one of ${FRAMEWORKS.join(', ')}`, 2);
      frameworks.push(f as Framework);
    } else if (flag === '--cdk-out') cdkOut = resolve(next());
    else if (flag === '--fail-on-open') failOnOpen = true;
    else if (flag === '--help' || flag === '-h') help = true;
    else throw new OpsError(`evidence: unknown argument '${argv[i]}'\n${EVIDENCE_USAGE}`, 2);
  }
  if (!help && env === '') throw new OpsError(`evidence: --env is required\n${EVIDENCE_USAGE}`, 2);
  return { env, frameworks: frameworks.length > 0 ? frameworks : FRAMEWORKS, cdkOut, failOnOpen, help };
}

/** The evidence of the environment's last synth in `<cdkOut>/<env>/`. */
export function environmentEvidence(env: string, cdkOut: string = join(ROOT, 'cdk.out'), configDir: string = join(ROOT, 'config')): EnvironmentEvidence {
  // The config first: an unknown environment is named by its missing config file.
  const config = loadConfig(env, { configDir });
  const reportDirectory = join(cdkOut, env);
  return collectEvidence({ catalogue: loadCatalogue(), report: readComplianceReport(reportDirectory, env), reportDirectory, config });
}

function failOnSchemaErrors(file: string, schema: string, errors: string[]): void {
  if (errors.length > 0) {
    throw new OpsError(`${file} does not validate against the ${schema} schema (${errors.length} error(s)):\n  ${errors.slice(0, 20).join('\n  ')}`);
  }
}

/**
 * The evidence files of a synth: checks `compliance-report.sarif` against the SARIF 2.1.0 schema, then
 * builds the OSCAL component definition, checks it against the OSCAL schema and writes it beside the
 * report. Returns the OSCAL file; throws OpsError naming the file and its schema errors.
 */
export function writeEvidenceFiles(env: string, cdkOut: string = join(ROOT, 'cdk.out'), configDir?: string): string {
  const sarifFile = join(cdkOut, env, 'compliance-report.sarif');
  if (!existsSync(sarifFile)) throw new OpsError(`${sarifFile}: not found; the apps' compliance report writes it`);
  failOnSchemaErrors(sarifFile, 'SARIF 2.1.0', sarifSchemaErrors(JSON.parse(readFileSync(sarifFile, 'utf8'))));
  const doc = componentDefinition(environmentEvidence(env, cdkOut, configDir));
  const file = join(cdkOut, env, OSCAL_FILE);
  failOnSchemaErrors(file, `OSCAL ${OSCAL_VERSION}`, oscalSchemaErrors(doc));
  writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
  return file;
}

/** `npm run evidence`: the summary text and the exit code. */
export function runEvidence(argv: readonly string[]): { output: string; exitCode: number } {
  const options = parseEvidenceArgs(argv);
  if (options.help) return { output: EVIDENCE_USAGE + '\n', exitCode: 0 };
  const evidence = environmentEvidence(options.env, options.cdkOut);
  const open = evidence.entries.filter((e) => e.status === 'open');
  return { output: evidenceSummary(evidence, options.frameworks), exitCode: options.failOnOpen && open.length > 0 ? 1 : 0 };
}
