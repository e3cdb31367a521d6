import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { basename, dirname, join, relative } from 'path';
import { App, Stack, Stage } from 'aws-cdk-lib';
import { renderSarif } from './private/sarif';
import { expiringWaivers, waiverProblems, withWaivers } from './private/waiver-check';
import { ExpiringWaiver, Waivers } from './waiver';

/** One finding of a validation plugin, open or acknowledged. */
export interface ComplianceFinding {
  /** The validation plugin (rule pack) that reported it, e.g. `AwsSolutions` or `Guardrails`. */
  readonly plugin: string;
  /** The rule id, e.g. `Guardrails-IamRolePermissionsBoundary` or `AwsSolutions-IAM5[Action::s3:*]`. */
  readonly ruleId: string;
  /**
   * The control the rule implements, when its description names one: the AWS Control Tower
   * proactive control (`CT.KMS.PR.3`) of a Guard rule of the cdk-validator-cfnguard plugin,
   * whose rule ids are the Guard rule names (`kms_create_grant_aws_service_check`).
   *
   * @default - the rule names no control
   */
  readonly controlId?: string;
  /** `error`, `warning` or `info`, as the plugin reported it. */
  readonly severity: string;
  /** Construct path of the resource. */
  readonly constructPath: string;
  /** What is wrong. */
  readonly description: string;
  /**
   * How to fix it, when the plugin says.
   *
   * @default - the plugin gives no fix
   */
  readonly suggestedFix?: string;
  /** Whether the finding was acknowledged (`Validations.of(construct).acknowledge`). */
  readonly acknowledged: boolean;
  /**
   * The reason given with the acknowledgement.
   *
   * @default - not acknowledged
   */
  readonly reason?: string;
  /**
   * Construct path where the acknowledgement was made.
   *
   * @default - not acknowledged
   */
  readonly acknowledgedAt?: string;
  /**
   * Owner of the waiver that acknowledged the finding (`Acknowledge.atPath`).
   *
   * @default - not acknowledged, or acknowledged without a waiver
   */
  readonly owner?: string;
  /**
   * Last day (`YYYY-MM-DD`) the waiver holds.
   *
   * @default - not acknowledged, or acknowledged without a waiver
   */
  readonly expires?: string;
  /**
   * Ticket of the waiver.
   *
   * @default - no ticket
   */
  readonly ticket?: string;
}

/** An acknowledgement that matched no finding: a candidate for removal. */
export interface UnusedAcknowledgement {
  /** The acknowledged id, qualified with its plugin (e.g. `AwsSolutions::AwsSolutions-S1`). */
  readonly id: string;
  /** Construct path where it was made. */
  readonly constructPath: string;
  /** The reason given. */
  readonly reason: string;
}

/** Where and for what a compliance report is written. */
export interface ComplianceReportProps {
  /** Name of the app, the key of its section in the report. */
  readonly appName: string;
  /** The environment synthesized (e.g. `dev`). */
  readonly environment: string;
  /**
   * Directory that receives `compliance-report.json`, `compliance-report.txt` and `compliance-report.sarif`, shared by the
   * apps of one environment (each app replaces its own section).
   *
   * @default - the parent of the cloud assembly directory when the assembly is at
   * `<...>/<environment>/<appName>` (the layout of `npm run synth`: `cdk.out/<env>/<app>`);
   * otherwise the cloud assembly directory itself
   */
  readonly reportDirectory?: string;
  /**
   * The day against which waivers expire (its UTC date): a waiver whose `expires` is before it fails
   * the gate. For tests; the CLI (`scripts/synth.mjs`) may set it from `GUARDRAILS_TODAY`.
   *
   * @default new Date()
   */
  readonly today?: Date;
  /**
   * Whether the environment is a production one (config's `PRODUCTION_ENVIRONMENTS`): then an
   * acknowledgement without a waiver (no owner, no expiry) fails the gate.
   *
   * @default false
   */
  readonly production?: boolean;
}

const VALIDATION_REPORT = 'validation-report.json';
const REPORT_BASENAME = 'compliance-report';

/**
 * The compliance findings of one synthesized app, read from the CDK validation report
 * (`validation-report.json` in the cloud assembly), written as JSON and as a readable table.
 */
export class ComplianceReport {
  /**
   * Synthesizes the app, then writes its compliance report. Fails (throws) when any finding
   * of any validation plugin is not acknowledged, after printing each one with its rule,
   * construct path and fix.
   */
  public static synth(app: App, props: ComplianceReportProps): void {
    const validationReport = join(app.outdir, VALIDATION_REPORT);
    rmSync(validationReport, { force: true });
    let failure: unknown;
    try {
      app.synth();
    } catch (e) {
      failure = e;
    }
    // Synthesis can fail before the validation plugins run (a construct's addError, an aspect):
    // then there is no validation report, and the section says so instead of claiming zero findings.
    const report = existsSync(validationReport)
      ? ComplianceReport.fromValidationReport(validationReport, props.appName, props.environment)
      : new ComplianceReport(
          props.appName,
          props.environment,
          [],
          failure === undefined ? undefined : `synthesis failed before the validation plugins ran: ${firstLine(failure)}`,
        );
    const today = Waivers.dateOf(props.today ?? new Date());
    const records = Waivers.recordedUnder(app);
    report.findings.splice(0, report.findings.length, ...withWaivers(report.findings, records));
    report.unusedAcknowledgements.push(...unusedAcknowledgements(app, report.findings));
    report.expiringWaivers.push(...expiringWaivers(records, today));
    const problems = waiverProblems(app, records, today, props.production ?? false);
    report.waiverProblems.push(...problems);
    // The plugins ran only when the validation report was written.
    if (existsSync(validationReport)) report.plugins.push(...registeredPlugins(app));
    const directory = props.reportDirectory ?? defaultReportDirectory(app.outdir, props);
    // From the construct tree, not the cloud assembly: a synth that the gate fails returns no assembly,
    // and those are the findings a reader must locate.
    for (const stack of app.node.findAll().filter((c): c is Stack => Stack.isStack(c))) {
      const outdir = Stage.of(stack)?.outdir ?? app.outdir;
      report.templates[stack.node.path] = relative(directory, join(outdir, stack.templateFile));
    }
    const files = report.writeTo(directory);
    const open = report.openFindings;
    if (open.length > 0) {
      process.stderr.write(report.failureSummary() + `\nReport: ${files.join(', ')}\n`);
      if (failure === undefined) {
        failure = new Error(`Compliance gate: ${open.length} unacknowledged finding(s) in ${props.appName} (${props.environment}); see ${files[0]}`);
      }
    }
    if (problems.length > 0) {
      const message = `Compliance gate: ${problems.length} waiver problem(s) in ${props.appName} (${props.environment}):\n  ${problems.join('\n  ')}`;
      process.stderr.write(`\n${message}\n`);
      if (failure === undefined) failure = new Error(message);
    }
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrows what synthesis threw
    if (failure !== undefined) throw failure;
  }

  /** Reads the findings of a CDK validation report file (`validation-report.json`). */
  public static fromValidationReport(file: string, appName: string, environment: string): ComplianceReport {
    const json = JSON.parse(readFileSync(file, 'utf8'));
    const findings: ComplianceFinding[] = [];
    for (const plugin of json.pluginReports ?? []) {
      for (const v of plugin.violations ?? []) findings.push(...findingsOf(plugin.pluginName, v, false));
      for (const v of plugin.suppressedViolations ?? []) findings.push(...findingsOf(plugin.pluginName, v, true));
    }
    findings.sort(
      (a, b) => Number(a.acknowledged) - Number(b.acknowledged) || a.constructPath.localeCompare(b.constructPath) || a.ruleId.localeCompare(b.ruleId),
    );
    return new ComplianceReport(appName, environment, findings);
  }

  /** Renders report sections (from `toJson()` of one or more apps) as text tables. */
  public static renderTable(environment: string, sections: any[]): string {
    const lines: string[] = [`Compliance report, environment ${environment}`, ''];
    for (const section of sections) {
      const findings: ComplianceFinding[] = section.findings ?? [];
      const open = findings.filter((f) => !f.acknowledged);
      lines.push(`== ${section.app}: ${open.length} open, ${findings.length - open.length} acknowledged (synthesized ${section.generatedAt})`);
      if (section.error) lines.push(`NOT VALIDATED: ${section.error}`);
      const rows = findings.map((f) => [
        f.acknowledged ? 'acknowledged' : 'OPEN',
        f.severity,
        f.controlId === undefined ? f.ruleId : `${f.controlId} ${f.ruleId}`,
        f.constructPath,
        f.acknowledged
          ? `reason: ${f.reason ?? ''}${f.owner ? ` (owner ${f.owner}, expires ${f.expires}${f.ticket ? `, ticket ${f.ticket}` : ''})` : ''}`
          : `fix: ${f.suggestedFix ?? f.description}`,
      ]);
      const headers = ['status', 'severity', 'rule', 'resource', 'reason / fix'];
      const widths = headers.slice(0, 4).map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
      const fmt = (r: string[]) =>
        r
          .map((cell, i) => (i < 4 ? cell.padEnd(widths[i]) : cell))
          .join('  ')
          .trimEnd();
      lines.push(fmt(headers), fmt(widths.map((w) => '-'.repeat(w)).concat('-'.repeat(12))));
      for (const r of rows) lines.push(fmt(r));
      const unused: UnusedAcknowledgement[] = section.unusedAcknowledgements ?? [];
      if (unused.length > 0) {
        lines.push('', `Acknowledgements that matched no finding (remove them, or check the path): ${unused.length}`);
        for (const u of unused) lines.push(`  ${u.id}  ${u.constructPath}`);
      }
      const expiring: ExpiringWaiver[] = section.expiringWaivers ?? [];
      if (expiring.length > 0) {
        lines.push('', `Waivers expiring within ${Waivers.EXPIRING_WITHIN_DAYS} days (renew with the owner's review, or fix the finding): ${expiring.length}`);
        for (const w of expiring) lines.push(`  ${w.expires}  ${w.owner}  ${w.id}  ${w.constructPath}${w.ticket ? `  ${w.ticket}` : ''}`);
      }
      for (const p of section.waiverProblems ?? []) lines.push(`WAIVER PROBLEM: ${p}`);
      lines.push('');
    }
    return lines.join('\n');
  }

  private constructor(
    /** Name of the app. */
    public readonly appName: string,
    /** The environment synthesized. */
    public readonly environment: string,
    /** Every finding, open ones first. */
    public readonly findings: ComplianceFinding[],
    /** Why the app could not be validated, if it could not. */
    private readonly notValidated?: string,
  ) {}

  /**
   * Acknowledgements (made with a plugin-qualified id, as `Acknowledge` does) that matched no
   * finding in this synth: listed in the report so they can be removed, never a failure.
   */
  public readonly unusedAcknowledgements: UnusedAcknowledgement[] = [];

  /** Waivers that expire within `Waivers.EXPIRING_WITHIN_DAYS` days (filled by `synth`). */
  public readonly expiringWaivers: ExpiringWaiver[] = [];

  /** Expired waivers, and in production acknowledgements without a waiver (filled by `synth`): each one fails the gate. */
  public readonly waiverProblems: string[] = [];

  /** Each stack's template (by the stack's construct path), relative to the report directory: the findings' locations in SARIF. */
  private readonly templates: Record<string, string> = {};

  /**
   * The names of the validation plugins (rule packs) that ran on the app (filled by `synth`). The CDK
   * validation report leaves out a plugin that found nothing, so the findings alone cannot tell "no
   * finding" from "not run": the evidence (`npm run evidence`, the OSCAL file) reads this list.
   */
  private readonly plugins: string[] = [];

  /** Findings that are not acknowledged (any severity): each one fails the gate. */
  public get openFindings(): ComplianceFinding[] {
    return this.findings.filter((f) => !f.acknowledged);
  }

  /** This app's section of the report. */
  public toJson(): any {
    const open = this.openFindings.length;
    return {
      app: this.appName,
      environment: this.environment,
      generatedAt: new Date().toISOString(),
      passed: open === 0 && this.notValidated === undefined && this.waiverProblems.length === 0,
      ...(this.notValidated ? { error: this.notValidated } : {}),
      openFindings: open,
      acknowledgedFindings: this.findings.length - open,
      findings: this.findings,
      unusedAcknowledgements: this.unusedAcknowledgements,
      expiringWaivers: this.expiringWaivers,
      waiverProblems: this.waiverProblems,
      plugins: this.plugins,
      templates: this.templates,
    };
  }

  /** The open findings, one block each: rule, resource path, how to fix. */
  public failureSummary(): string {
    const open = this.openFindings;
    const lines = [`\nCompliance gate FAILED for ${this.appName} (${this.environment}): ${open.length} unacknowledged finding(s)`];
    for (const f of open) {
      lines.push(
        `  [${f.severity}] ${f.controlId === undefined ? f.ruleId : `${f.controlId} ${f.ruleId}`}`,
        `      resource: ${f.constructPath}`,
        `      problem:  ${f.description}`,
      );
      lines.push(
        `      fix:      ${f.suggestedFix ?? "change the resource so the rule passes; only if the finding is deliberate, acknowledge it on the construct: Validations.of(construct).acknowledge({ id: '" + f.plugin + '::' + f.ruleId + "', reason: '<specific reason>' })"}`,
      );
    }
    return lines.join('\n') + '\n';
  }

  /**
   * The report sections (from `toJson()` of one or more apps) as a SARIF 2.1.0 log: one run per app,
   * a result per finding located at its stack's template (relative to `reportDirectory`) and its
   * construct path; acknowledged findings carry an accepted suppression with their reason.
   */
  public static renderSarif(environment: string, reportDirectory: string, sections: any[]): any {
    return renderSarif(environment, reportDirectory, sections);
  }

  /**
   * Writes (or updates this app's section of) `compliance-report.json`, `compliance-report.txt`
   * and `compliance-report.sarif` (SARIF 2.1.0, for code scanning) in `directory`; returns the
   * three file paths.
   */
  public writeTo(directory: string): string[] {
    mkdirSync(directory, { recursive: true });
    const jsonFile = join(directory, `${REPORT_BASENAME}.json`);
    const textFile = join(directory, `${REPORT_BASENAME}.txt`);
    const sarifFile = join(directory, `${REPORT_BASENAME}.sarif`);
    let existing: any;
    try {
      existing = JSON.parse(readFileSync(jsonFile, 'utf8'));
    } catch {
      existing = {};
    }
    // A report of another environment in the same directory is replaced, never merged.
    const apps = existing.environment === this.environment ? { ...(existing.apps ?? {}) } : {};
    apps[this.appName] = this.toJson();
    const sections = Object.values<any>(apps);
    const merged = {
      environment: this.environment,
      passed: sections.every((s) => s.passed),
      openFindings: sections.reduce((n, s) => n + s.openFindings, 0),
      acknowledgedFindings: sections.reduce((n, s) => n + s.acknowledgedFindings, 0),
      apps,
    };
    writeFileSync(jsonFile, JSON.stringify(merged, null, 2) + '\n');
    writeFileSync(textFile, ComplianceReport.renderTable(this.environment, sections));
    writeFileSync(sarifFile, JSON.stringify(ComplianceReport.renderSarif(this.environment, directory, sections), null, 2) + '\n');
    return [jsonFile, textFile, sarifFile];
  }
}

/**
 * Plugin-qualified acknowledgements in the construct tree that no acknowledged finding used.
 * Unqualified ids (the annotation namespace) are left out: annotation warnings that were
 * acknowledged do not appear in the validation report, so their use cannot be told.
 */
function unusedAcknowledgements(app: App, findings: ComplianceFinding[]): UnusedAcknowledgement[] {
  const used = new Set(findings.filter((f) => f.acknowledged).map((f) => `${f.acknowledgedAt}|${f.plugin.replace(/ /g, '-')}::${f.ruleId}`));
  const unused: UnusedAcknowledgement[] = [];
  for (const construct of app.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== 'aws:cdk:acknowledged-rules' || !entry.data) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        if (/^annotation::/i.test(id)) continue;
        if (!used.has(`${construct.node.path}|${id}`)) unused.push({ id, constructPath: construct.node.path, reason });
      }
    }
  }
  return unused;
}

/**
 * The names of the validation plugins registered on the app (its constructor's and `Validations.addPlugins`').
 * aws-cdk-lib 2.276 has one public read, `policyValidationBeta1`, which is deprecated and prints a
 * warning on every synth (or throws under `JSII_DEPRECATED=fail`); the stage's own internal getter is
 * read first, and the public one only if a later aws-cdk-lib drops it.
 */
function registeredPlugins(app: App): string[] {
  const internal: unknown = (app as any)._validationPlugins;
  const plugins: Array<{ name: string }> = Array.isArray(internal) ? internal : app.policyValidationBeta1;
  return plugins.map((p) => p.name);
}

/** The findings of one violation of a validation report (one per violating construct), open or acknowledged. */
function findingsOf(plugin: string, v: any, acknowledged: boolean): ComplianceFinding[] {
  return (v.violatingConstructs ?? []).map((c: any) => ({
    plugin,
    ruleId: v.ruleName,
    ...controlIdOf(v.description),
    severity: v.severity ?? 'error',
    constructPath: constructPathOf(c),
    description: v.description ?? '',
    suggestedFix: v.suggestedFix,
    acknowledged,
    ...(acknowledged ? { reason: v.reason, acknowledgedAt: v.acknowledgedAt } : {}),
  }));
}

/** `{ controlId: 'CT.KMS.PR.3' }` when a description starts with a Control Tower control id in brackets (the Guard rules' messages). */
function controlIdOf(description: unknown): { controlId?: string } {
  const match = typeof description === 'string' ? /^\s*\[(CT\.[A-Z0-9]+\.PR\.\d+)\]/.exec(description) : null;
  return match ? { controlId: match[1] } : {};
}

/**
 * The construct path of a violating resource. A plugin that cannot map a resource to a construct
 * reports an empty path; the finding stays open (nothing can acknowledge it) and says so.
 */
function constructPathOf(construct: any): string {
  const path = typeof construct?.constructPath === 'string' ? construct.constructPath : '';
  return path !== '' ? path : '(no construct path: the plugin did not map this resource to a construct)';
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .slice(0, 2)
    .join(' ');
}

function defaultReportDirectory(outdir: string, props: ComplianceReportProps): string {
  const parent = dirname(outdir);
  return basename(outdir) === props.appName && basename(parent) === props.environment ? parent : outdir;
}
