/**
 * The compliance report as SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/), so code
 * scanning tools (GitHub code scanning among them) list the gate's findings. One run per app, each
 * with its own `automationDetails.id` (`compliance-gate/<environment>/<app>/`): GitHub treats runs
 * with distinct ids as distinct categories, so the apps of one environment do not replace each other.
 *
 * A finding's location is its stack's template (relative to the report directory, through the
 * `REPORTDIR` base) and, as a logical location, its construct path: the templates are build output,
 * the construct path is what a reader searches the code for. An acknowledged finding is a result with
 * an accepted suppression carrying the acknowledgement's reason, so it stays visible as a waiver.
 */
import { pathToFileURL } from 'url';
import type { ComplianceFinding } from '../compliance-report';

/** One app's section of the JSON report (ComplianceReport.toJson). */
export interface ReportSection {
  readonly app: string;
  readonly error?: string;
  readonly findings?: readonly ComplianceFinding[];
  /** Stack construct path to its template, relative to the report directory. */
  readonly templates?: Readonly<Record<string, string>>;
}

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const INFORMATION_URI = 'https://github.com/cdk-guardrails/cdk-guardrails';

/** SARIF's levels for the plugins' severities (cdk-nag and the policy validation plugins: error, warning, info). */
function levelOf(severity: string): 'error' | 'warning' | 'note' {
  const s = severity.toLowerCase();
  if (s === 'warning' || s === 'warn') return 'warning';
  if (s === 'info' || s === 'informational' || s === 'note') return 'note';
  return 'error';
}

/**
 * The template of the stack a construct path belongs to: the longest stack path that prefixes it,
 * found by walking up the path's own prefixes (a lookup per level, not a scan of every stack for
 * every finding: that grew with findings x stacks, a second of every 100-account synth).
 */
function templateOf(constructPath: string, templates: ReadonlyMap<string, string>): string | undefined {
  for (let path = constructPath; path.length > 0; path = path.slice(0, Math.max(0, path.lastIndexOf('/')))) {
    const template = templates.get(path);
    if (template !== undefined) return template;
  }
  return undefined;
}

/** The SARIF 2.1.0 log of the given report sections (one run per app). */
export function renderSarif(environment: string, reportDirectory: string, sections: readonly ReportSection[]): object {
  const runs = sections.map((section) => {
    const findings = section.findings ?? [];
    const ruleIds = [...new Set(findings.map((f) => f.ruleId))].sort();
    const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
    const firstOf = new Map<string, (typeof findings)[number]>();
    for (const f of findings) if (!firstOf.has(f.ruleId)) firstOf.set(f.ruleId, f);
    const templates = new Map(Object.entries(section.templates ?? {}));
    const rules = ruleIds.map((id) => {
      const first = firstOf.get(id)!;
      return {
        id,
        ...(first.controlId ? { name: first.controlId } : {}),
        shortDescription: { text: first.description.split('\n')[0] || id },
        ...(first.suggestedFix ? { help: { text: first.suggestedFix } } : {}),
        properties: { plugin: first.plugin, ...(first.controlId ? { controlId: first.controlId } : {}) },
      };
    });
    const results = findings.map((f) => {
      const template = templateOf(f.constructPath, templates);
      return {
        ruleId: f.ruleId,
        ruleIndex: ruleIndex.get(f.ruleId),
        level: levelOf(f.severity),
        message: { text: f.acknowledged ? f.description : `${f.description}${f.suggestedFix ? ` Fix: ${f.suggestedFix}` : ''}` },
        locations: [
          {
            ...(template ? { physicalLocation: { artifactLocation: { uri: template, uriBaseId: 'REPORTDIR' } } } : {}),
            logicalLocations: [{ fullyQualifiedName: f.constructPath, kind: 'resource' }],
          },
        ],
        ...(f.acknowledged
          ? {
              suppressions: [
                {
                  kind: 'external',
                  status: 'accepted',
                  justification: f.reason ?? '',
                  ...(f.acknowledgedAt || f.owner
                    ? {
                        properties: {
                          ...(f.acknowledgedAt ? { acknowledgedAt: f.acknowledgedAt } : {}),
                          ...(f.owner ? { owner: f.owner, expires: f.expires } : {}),
                          ...(f.ticket ? { ticket: f.ticket } : {}),
                        },
                      }
                    : {}),
                },
              ],
            }
          : {}),
        properties: { plugin: f.plugin, ...(f.controlId ? { controlId: f.controlId } : {}) },
      };
    });
    return {
      tool: { driver: { name: 'cdk-guardrails compliance gate', informationUri: INFORMATION_URI, rules } },
      automationDetails: { id: `compliance-gate/${environment}/${section.app}/` },
      originalUriBaseIds: { REPORTDIR: { uri: `${pathToFileURL(reportDirectory).href}/` } },
      invocations: [
        {
          executionSuccessful: section.error === undefined,
          ...(section.error ? { toolExecutionNotifications: [{ level: 'error', message: { text: section.error } }] } : {}),
        },
      ],
      results,
    };
  });
  return { $schema: SCHEMA, version: '2.1.0', runs };
}
