/**
 * The evidence of one synthesized environment: each catalogue entry's status (satisfied, waived with
 * owner and expiry, or open), read from the compliance report of `npm run synth`
 * (`cdk.out/<env>/compliance-report.json`), the templates it names and the environment's config.
 * The OSCAL component definition (`oscal.ts`) and `npm run evidence` (`summary.ts`) are built from it.
 *
 * An entry is
 * - open when a finding of one of its rules is not acknowledged, a waiver has expired, one of its rules
 *   belongs to a rule pack that did not run, or an app of the environment was not validated;
 * - waived when a finding of one of its rules is acknowledged (or a policy-validator suppression of
 *   one of its rules is in a template), with each waiver's owner and expiry;
 * - satisfied otherwise: every rule ran and found nothing.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CatalogueEntry, ControlCatalogue, Framework } from './catalogue';
import { LEAST_PRIVILEGE_PLUGIN } from './catalogue-check';
import { OpsError } from '../ops-error';

export type EvidenceStatus = 'satisfied' | 'waived' | 'open';

/** Worst first: a framework control is as good as the worst entry that maps to it. */
const RANK: Record<EvidenceStatus, number> = { satisfied: 0, waived: 1, open: 2 };

/** An acknowledged finding (or policy-validator suppression) of one of an entry's rules. */
export interface WaiverEvidence {
  readonly rule: string;
  /** Construct path of the resource. */
  readonly path: string;
  readonly reason: string;
  readonly owner?: string;
  /** `YYYY-MM-DD`, the last day the waiver holds. */
  readonly expires?: string;
  readonly ticket?: string;
}

/** Why an entry is open. */
export interface OpenItem {
  readonly rule?: string;
  readonly path?: string;
  readonly problem: string;
}

/** The resources of one type that show the guarantee in the environment. */
export interface ResourceEvidence {
  readonly type: string;
  readonly count: number;
  /** The stacks that hold them. */
  readonly stacks: readonly string[];
}

/** One synthesized template of the environment. */
export interface TemplateEvidence {
  readonly stack: string;
  /** Relative to the environment's report directory (`cdk.out/<env>`). */
  readonly file: string;
  readonly sha256: string;
}

export interface EntryEvidence {
  readonly entry: CatalogueEntry;
  readonly status: EvidenceStatus;
  readonly waivers: readonly WaiverEvidence[];
  readonly open: readonly OpenItem[];
  readonly resources: readonly ResourceEvidence[];
  /** Each evidence config field and its value in this environment (undefined: not set). */
  readonly config: ReadonlyArray<{ readonly field: string; readonly value: unknown }>;
}

export interface EnvironmentEvidence {
  readonly environment: string;
  /** When the newest app section of the report was synthesized. */
  readonly synthesizedAt: string;
  /** The day waivers are judged on (`YYYY-MM-DD`). */
  readonly today: string;
  /** The rule packs that ran, over all apps. */
  readonly plugins: readonly string[];
  readonly templates: readonly TemplateEvidence[];
  readonly catalogue: ControlCatalogue;
  readonly entries: readonly EntryEvidence[];
}

/** One control of one framework, with the entries that map to it. */
export interface FrameworkControl {
  readonly framework: Framework;
  /** The control id as the framework writes it. */
  readonly control: string;
  readonly status: EvidenceStatus;
  readonly entries: readonly EntryEvidence[];
}

/**
 * Where PolicyValidator.suppress writes its suppressions in a template resource's Metadata (iam-least-privilege's
 * SUPPRESSIONS_METADATA_KEY, not exported there; ops-tools does not depend on that package).
 */
const SUPPRESSIONS_METADATA_KEY = 'guardrails_policy_validator';

/** The rule pack (validation plugin name) a catalogue rule id belongs to. */
export function rulePackOf(rule: string): string {
  if (/^CT\.[A-Z0-9]+\.PR\.\d+$/.test(rule)) return 'cdk-validator-cfnguard';
  const qualified = /^([^:]+)::/.exec(rule);
  if (qualified) return qualified[1];
  const dash = rule.indexOf('-');
  return dash < 0 ? rule : rule.slice(0, dash);
}

/** Whether a report finding is one of catalogue rule `rule` (cdk-nag ids may carry a `[...]` detail). */
export function findingMatchesRule(f: { plugin: string; ruleId: string; controlId?: string }, rule: string): boolean {
  if (rule.startsWith('CT.')) return f.controlId === rule;
  const qualified = /^([^:]+)::(.+)$/.exec(rule);
  if (qualified) return f.plugin === qualified[1] && f.ruleId === qualified[2];
  return f.ruleId === rule || f.ruleId.startsWith(`${rule}[`);
}

/** The value at a dotted path of the config, or undefined. */
export function configValue(config: unknown, field: string): unknown {
  let value: any = config;
  for (const key of field.split('.')) value = value !== null && typeof value === 'object' ? value[key] : undefined;
  return value;
}

/** The worst of some statuses (`satisfied` for none). */
export function worstStatus(statuses: Iterable<EvidenceStatus>): EvidenceStatus {
  let worst: EvidenceStatus = 'satisfied';
  for (const s of statuses) if (RANK[s] > RANK[worst]) worst = s;
  return worst;
}

interface LoadedTemplate extends TemplateEvidence {
  readonly resources: Record<string, any>;
}

/** The templates the report names, plus the bootstrap templates synth writes (the execution-role boundary). */
function loadTemplates(reportDirectory: string, sections: any[]): LoadedTemplate[] {
  const files = new Map<string, string>();
  for (const section of sections) for (const [stack, file] of Object.entries<string>(section.templates ?? {})) files.set(stack, file);
  const bootstrap = join(reportDirectory, 'bootstrap');
  if (existsSync(bootstrap)) {
    for (const f of readdirSync(bootstrap)
      .filter((n) => n.endsWith('.template.json'))
      .sort())
      files.set(`bootstrap/${f.replace(/\.template\.json$/, '')}`, `bootstrap/${f}`);
  }
  return [...files].map(([stack, file]) => {
    const path = join(reportDirectory, file);
    if (!existsSync(path))
      throw new OpsError(`${path}: the compliance report names this template of stack ${stack}, but it is missing; run \`npm run synth\` again`);
    const text = readFileSync(path, 'utf8');
    return { stack, file, sha256: createHash('sha256').update(text).digest('hex'), resources: JSON.parse(text).Resources ?? {} };
  });
}

/** The policy-validator suppressions in the templates, as waivers of `cdk-guardrails-least-privilege::<rule>`. */
function suppressionWaivers(templates: LoadedTemplate[]): WaiverEvidence[] {
  const out: WaiverEvidence[] = [];
  for (const t of templates) {
    for (const [logicalId, resource] of Object.entries<any>(t.resources)) {
      const entries = resource?.Metadata?.[SUPPRESSIONS_METADATA_KEY]?.suppressions;
      if (!Array.isArray(entries)) continue;
      for (const s of entries) {
        if (typeof s?.rule !== 'string') continue;
        out.push({
          rule: `${LEAST_PRIVILEGE_PLUGIN}::${s.rule}`,
          path: resource.Metadata?.['aws:cdk:path'] ?? `${t.stack}/${logicalId}`,
          reason: typeof s.reason === 'string' ? s.reason : '',
          owner: typeof s.owner === 'string' ? s.owner : undefined,
          expires: typeof s.expires === 'string' ? s.expires : undefined,
          ticket: typeof s.ticket === 'string' ? s.ticket : undefined,
        });
      }
    }
  }
  return out;
}

export interface CollectEvidenceProps {
  readonly catalogue: ControlCatalogue;
  /** The parsed `compliance-report.json` of the environment. */
  readonly report: any;
  /** The directory of the report: template paths in it are relative to it. */
  readonly reportDirectory: string;
  /** The environment's config (as loaded by @cdk-guardrails/config). */
  readonly config: unknown;
  /** `YYYY-MM-DD`; default: GUARDRAILS_TODAY, else the UTC date now. */
  readonly today?: string;
}

/** Each catalogue entry's status in the environment of the report. */
export function collectEvidence(props: CollectEvidenceProps): EnvironmentEvidence {
  const { catalogue, report } = props;
  const today = props.today ?? process.env.GUARDRAILS_TODAY ?? new Date().toISOString().slice(0, 10);
  const sections: any[] = Object.values(report.apps ?? {});
  if (sections.length === 0) throw new OpsError(`the compliance report of environment ${report.environment} has no app section; run \`npm run synth\` first`);
  const templates = loadTemplates(props.reportDirectory, sections);
  const findings: any[] = sections.flatMap((s) => s.findings ?? []);
  const suppressions = suppressionWaivers(templates);
  const plugins = [...new Set(sections.flatMap((s) => s.plugins ?? []))].sort();
  // Problems of the whole environment make every entry open: nothing can be claimed from an app that
  // was not validated, or from a report that does not say which rule packs ran.
  const environmentProblems: OpenItem[] = [];
  for (const s of sections) {
    if (s.error) environmentProblems.push({ problem: `app ${s.app} was not validated: ${s.error}` });
    if (!Array.isArray(s.plugins))
      environmentProblems.push({ problem: `the report section of app ${s.app} does not list the rule packs that ran; run \`npm run synth\` again` });
  }

  const entries = catalogue.controls.map((entry): EntryEvidence => {
    const open: OpenItem[] = [...environmentProblems];
    const waivers: WaiverEvidence[] = [];
    for (const rule of entry.rules) {
      const pack = rulePackOf(rule);
      if (!plugins.includes(pack)) open.push({ rule, problem: `rule pack ${pack} did not run in this environment` });
      for (const f of findings.filter((x) => findingMatchesRule(x, rule))) {
        if (!f.acknowledged) open.push({ rule, path: f.constructPath, problem: f.description });
        else waivers.push({ rule, path: f.constructPath, reason: f.reason ?? '', owner: f.owner, expires: f.expires, ticket: f.ticket });
      }
      if (pack === LEAST_PRIVILEGE_PLUGIN) waivers.push(...suppressions.filter((s) => s.rule === rule));
    }
    for (const w of waivers) {
      if (w.expires !== undefined && w.expires < today)
        open.push({ rule: w.rule, path: w.path, problem: `the waiver (owner ${w.owner ?? 'none'}) expired ${w.expires}` });
    }
    const resources = entry.evidence.resourceTypes.map((type) => {
      const stacks = templates.filter((t) => Object.values<any>(t.resources).some((r) => r?.Type === type));
      const count = stacks.reduce((n, t) => n + Object.values<any>(t.resources).filter((r) => r?.Type === type).length, 0);
      return { type, count, stacks: stacks.map((t) => t.stack) };
    });
    const config = entry.evidence.configFields.map((field) => ({ field, value: configValue(props.config, field) }));
    const status: EvidenceStatus = open.length > 0 ? 'open' : waivers.length > 0 ? 'waived' : 'satisfied';
    return { entry, status, waivers, open, resources, config };
  });

  const synthesizedAt =
    sections
      .map((s) => String(s.generatedAt ?? ''))
      .sort()
      .pop() ?? '';
  return {
    environment: report.environment,
    synthesizedAt,
    today,
    plugins,
    templates: templates.map(({ stack, file, sha256 }) => ({ stack, file, sha256 })),
    catalogue,
    entries,
  };
}

/** The controls of one framework that the catalogue maps to, each with its entries and the worst status. */
export function frameworkControls(evidence: EnvironmentEvidence, framework: Framework): FrameworkControl[] {
  const byControl = new Map<string, EntryEvidence[]>();
  for (const e of evidence.entries) {
    for (const m of e.entry.mappings.filter((x) => x.framework === framework)) {
      const list = byControl.get(m.control) ?? [];
      if (!list.includes(e)) list.push(e);
      byControl.set(m.control, list);
    }
  }
  return [...byControl]
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([control, entries]) => ({ framework, control, entries, status: worstStatus(entries.map((e) => e.status)) }));
}

/** Reads `cdk.out/<env>/compliance-report.json`, failing with what to run when it is missing or of another environment. */
export function readComplianceReport(reportDirectory: string, environment: string): any {
  const file = join(reportDirectory, 'compliance-report.json');
  if (!existsSync(file)) throw new OpsError(`${file}: not found; run \`npm run synth -- --env ${environment}\` first`);
  const report = JSON.parse(readFileSync(file, 'utf8'));
  if (report.environment !== environment) {
    throw new OpsError(`${file}: environment: received '${report.environment}'; expected '${environment}'; run \`npm run synth -- --env ${environment}\``);
  }
  return report;
}
