import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { basename, dirname, join, relative } from 'path';
import { App, Stack, Stage } from 'aws-cdk-lib';
import { ComplianceFinding, ComplianceReportProps, ExpiringWaiver, UnusedAcknowledgement } from './compliance-report-props';
import { renderSarif } from './private/sarif';
import { daysBetween, utcDate, waiverOf } from './private/waivers';

const VALIDATION_REPORT = 'validation-report.json';
const REPORT_BASENAME = 'compliance-report';

/**
 * The compliance findings of one synthesized app, read from the CDK validation report
 * (`validation-report.json` in the cloud assembly), written as JSON and as a readable table.
 */
export class ComplianceReport {
  /** Waivers that expire within this many days are listed in the report (`expiringWaivers`). */
  public static readonly EXPIRY_WARNING_DAYS: number = 30;

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
    report.unusedAcknowledgements.push(...unusedAcknowledgements(app, report.findings));
    report.attachWaivers(app, props.today ?? new Date());
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
          ? `reason: ${f.reason ?? ''}${f.owner ? ` (owner ${f.owner}${f.expires ? `, expires ${f.expires}` : ''}${f.ticket ? `, ${f.ticket}` : ''})` : ''}`
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
      const expiring: ExpiringWaiver[] = section.expiringWaivers ?? [];
      if (expiring.length > 0) {
        lines.push(
          '',
          `Waivers expiring within ${ComplianceReport.EXPIRY_WARNING_DAYS} days (fix the finding or renew the waiver with its owner): ${expiring.length}`,
        );
        for (const w of expiring) lines.push(`  ${w.expires} (${w.daysLeft} days)  ${w.owner}${w.ticket ? ` ${w.ticket}` : ''}  ${w.id}  ${w.constructPath}`);
      }
      const unused: UnusedAcknowledgement[] = section.unusedAcknowledgements ?? [];
      if (unused.length > 0) {
        lines.push('', `Acknowledgements that matched no finding (remove them, or check the path): ${unused.length}`);
        for (const u of unused) lines.push(`  ${u.id}  ${u.constructPath}`);
      }
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

  /** The waivers that expire within `EXPIRY_WARNING_DAYS` of the report's date, soonest first. */
  public readonly expiringWaivers: ExpiringWaiver[] = [];

  /** Each stack's template (by the stack's construct path), relative to the report directory: the findings' locations in SARIF. */
  private readonly templates: Record<string, string> = {};

  /** Findings that are not acknowledged (any severity): each one fails the gate. */
  public get openFindings(): ComplianceFinding[] {
    return this.findings.filter((f) => !f.acknowledged);
  }

  /**
   * Adds to each acknowledged finding the waiver recorded where it was acknowledged (owner, expiry,
   * ticket), and lists the waivers that expire within `EXPIRY_WARNING_DAYS` of `today`.
   */
  private attachWaivers(app: App, today: Date): void {
    const byPath = new Map(app.node.findAll().map((c) => [c.node.path, c]));
    const day = utcDate(today);
    const seen = new Set<string>();
    this.findings.forEach((f, i) => {
      if (!f.acknowledged || f.acknowledgedAt === undefined) return;
      const construct = byPath.get(f.acknowledgedAt);
      const id = `${f.plugin.replace(/ /g, '-')}::${f.ruleId}`;
      const waiver = construct ? waiverOf(construct, id) : undefined;
      if (waiver === undefined) return;
      this.findings[i] = {
        ...f,
        owner: waiver.owner,
        ...(waiver.expires ? { expires: waiver.expires } : {}),
        ...(waiver.ticket ? { ticket: waiver.ticket } : {}),
      };
      if (waiver.expires === undefined || seen.has(`${f.acknowledgedAt}|${id}`)) return;
      seen.add(`${f.acknowledgedAt}|${id}`);
      const daysLeft = daysBetween(day, waiver.expires);
      if (daysLeft <= ComplianceReport.EXPIRY_WARNING_DAYS) {
        this.expiringWaivers.push({
          id,
          constructPath: f.acknowledgedAt,
          owner: waiver.owner,
          expires: waiver.expires,
          daysLeft,
          ...(waiver.ticket ? { ticket: waiver.ticket } : {}),
        });
      }
    });
    this.expiringWaivers.sort((a, b) => a.daysLeft - b.daysLeft || a.constructPath.localeCompare(b.constructPath));
  }

  /** This app's section of the report. */
  public toJson(): any {
    const open = this.openFindings.length;
    return {
      app: this.appName,
      environment: this.environment,
      generatedAt: new Date().toISOString(),
      passed: open === 0 && this.notValidated === undefined,
      ...(this.notValidated ? { error: this.notValidated } : {}),
      openFindings: open,
      acknowledgedFindings: this.findings.length - open,
      findings: this.findings,
      unusedAcknowledgements: this.unusedAcknowledgements,
      expiringWaivers: this.expiringWaivers,
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
