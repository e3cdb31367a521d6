/**
 * The OSCAL component definition of one environment (`cdk.out/<env>/oscal-component.json`, written by
 * `npm run synth`): one component, the guardrails as deployed in the environment; one control
 * implementation per framework of the catalogue; one implemented requirement per control, with its
 * status, the catalogue entries behind it, their rules, resources, config values, waivers (owner,
 * expiry) and open items. Validated against the vendored NIST OSCAL 1.1.3 schema (`schemas.ts`).
 *
 * Control ids: NIST SP 800-53 controls are written as the NIST OSCAL catalog writes them (`SC-28(1)` is
 * `sc-28.1`; a lettered part such as `AU-12a` is the statement `au-12_smt.a` of `au-12`). PCI DSS, DORA
 * and SOC 2 have no OSCAL catalog from their publishers, so their ids are this project's tokens
 * (`pci-dss-3.5.1`, `dora-art-9.4.c`, `soc2-cc6.1`), each with the framework's own id in a `label` prop.
 */
import { createHash } from 'node:crypto';
import { Framework, FRAMEWORKS } from './catalogue';
import { EnvironmentEvidence, EntryEvidence, FrameworkControl, frameworkControls, worstStatus } from './status';

export const OSCAL_VERSION = '1.1.3';
/** The namespace of this project's props. */
export const OSCAL_NAMESPACE = 'https://github.com/cdk-guardrails/cdk-guardrails/ns/oscal';
/** Namespace of the project's v5 UUIDs (a fixed random v4 UUID): the same input gives the same UUID on every synth. */
const UUID_NAMESPACE = '3f0c6b1e-8d5a-4c2e-9b7f-2a6d4e8c1f90';

interface FrameworkInfo {
  readonly title: string;
  /** The OSCAL catalog, or the framework's document where there is none. */
  readonly source: string;
  /** The OSCAL control id and, for a lettered part, the statement id. */
  readonly controlId: (control: string) => { controlId: string; statementId?: string };
}

function token(framework: string, control: string, id: string): string {
  if (!/^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$/u.test(id)) throw new Error(`${framework} control '${control}': cannot be written as an OSCAL token (got '${id}')`);
  return id;
}

export const OSCAL_FRAMEWORKS: Record<Framework, FrameworkInfo> = {
  'nist-800-53-r5': {
    title: 'NIST SP 800-53 Rev. 5',
    source: 'https://raw.githubusercontent.com/usnistgov/oscal-content/main/nist.gov/SP800-53/rev5/json/NIST_SP-800-53_rev5_catalog.json',
    controlId: (control) => {
      const m = /^([A-Z]{2})-(\d+)(?:\((\d+)\))?([a-z])?$/.exec(control);
      if (!m) throw new Error(`nist-800-53-r5 control '${control}': expected FAMILY-N, FAMILY-N(E) or FAMILY-Na`);
      const controlId = token('nist-800-53-r5', control, `${m[1].toLowerCase()}-${m[2]}${m[3] ? `.${m[3]}` : ''}`);
      return { controlId, statementId: m[4] ? `${controlId}_smt.${m[4]}` : undefined };
    },
  },
  'pci-dss-4.0.1': {
    title: 'PCI DSS v4.0.1',
    source: 'https://www.pcisecuritystandards.org/document_library/',
    controlId: (control) => ({ controlId: token('pci-dss-4.0.1', control, `pci-dss-${control}`) }),
  },
  dora: {
    title: 'Regulation (EU) 2022/2554 (DORA)',
    source: 'https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32022R2554',
    controlId: (control) => {
      const m = /^Art\. (\d+)((?:\([0-9a-z]+\))*)$/.exec(control);
      if (!m) throw new Error(`dora control '${control}': expected 'Art. N(n)(x)'`);
      const parts = [...m[2].matchAll(/\(([0-9a-z]+)\)/g)].map((p) => p[1]);
      return { controlId: token('dora', control, [`dora-art-${m[1]}`, ...parts].join('.')) };
    },
  },
  'soc2-tsc-2017': {
    title: 'AICPA 2017 Trust Services Criteria (SOC 2)',
    source: 'https://www.aicpa-cima.com/resources/download/2017-trust-services-criteria-with-revised-points-of-focus-2022',
    controlId: (control) => ({ controlId: token('soc2-tsc-2017', control, `soc2-${control.toLowerCase()}`) }),
  },
};

/** An RFC 4122 version 5 UUID of `name` in the project's namespace. */
export function uuidV5(name: string, namespace: string = UUID_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1')
    .update(Buffer.concat([ns, Buffer.from(name, 'utf8')]))
    .digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A prop of the project's namespace; values are single-line, trimmed (OSCAL StringDatatype). */
function prop(name: string, value: string, extra: { class?: string; remarks?: string } = {}): any {
  return { name, ns: OSCAL_NAMESPACE, value: value.replace(/\s+/g, ' ').trim(), ...extra };
}

function waiverLine(w: { rule: string; path: string; owner?: string; expires?: string; ticket?: string; reason: string }): string {
  return `- ${w.rule} at \`${w.path}\`: owner ${w.owner ?? '(none)'}, expires ${w.expires ?? '(none)'}${w.ticket ? `, ticket ${w.ticket}` : ''}. ${w.reason}`;
}

/** The text and props that show one requirement (a control, or a lettered part of one) in the environment. */
function implementation(key: string, control: string, status: string, entries: readonly EntryEvidence[]) {
  const description = entries
    .map((e) => {
      const by = e.entry.enforcedBy.map((c) => `${c.package} ${c.construct}`).join(', ');
      const tests = e.entry.tests.map((t) => `${t.file} ("${t.name}")`).join('; ');
      const notes = e.entry.mappings.filter((m) => m.framework === key && m.control === control && m.note).map((m) => ` ${m.note}`);
      const gap = e.entry.ruleGap ? ` What the rules do not check: ${e.entry.ruleGap}` : '';
      return `${e.entry.id}: ${e.entry.title}.${notes.join('')} Enforced by ${by}; checked at synth by ${e.entry.rules.join(', ')}; proven by ${tests}.${gap}`;
    })
    .join('\n\n');
  const props: any[] = [prop('label', control), prop('status', status)];
  for (const e of entries) props.push(prop('catalogue-entry', e.entry.id, { remarks: `status ${e.status}` }));
  for (const rule of [...new Set(entries.flatMap((e) => e.entry.rules))]) props.push(prop('rule', rule));
  // A status read from rules that check less than the guarantee says so (docs/compliance-catalogue.md, "Known gaps").
  const gaps = entries.filter((e) => e.entry.ruleGap !== undefined);
  if (gaps.length > 0) props.push(prop('rule-coverage', 'partial', { remarks: gaps.map((e) => `${e.entry.id}: ${e.entry.ruleGap}`).join(' ') }));
  const resources = new Map<string, { count: number; stacks: Set<string> }>();
  for (const r of entries.flatMap((e) => e.resources)) {
    const seen = resources.get(r.type) ?? { count: r.count, stacks: new Set<string>() };
    r.stacks.forEach((s) => seen.stacks.add(s));
    resources.set(r.type, seen);
  }
  for (const [type, r] of resources)
    props.push(prop('resource-type', type, { remarks: `${r.count} in this environment: ${[...r.stacks].join(', ') || 'none'}` }));
  const configs = new Map(entries.flatMap((e) => e.config.map((c) => [c.field, c.value] as const)));
  for (const [field, value] of configs) props.push(prop('config', `${field} = ${value === undefined ? '(not set)' : JSON.stringify(value)}`));
  const waivers = entries.flatMap((e) => e.waivers);
  const expiries = waivers
    .map((w) => w.expires)
    .filter((d): d is string => d !== undefined)
    .sort();
  if (expiries.length > 0) props.push(prop('waiver-expires', expiries[0], { remarks: `the first of ${waivers.length} waivers to expire` }));
  const open = entries.flatMap((e) => e.open);
  const remarks = [
    ...(open.length > 0 ? ['Open:', ...[...new Set(open.map((o) => `- ${o.rule ? `${o.rule}: ` : ''}${o.path ? `\`${o.path}\`: ` : ''}${o.problem}`))]] : []),
    ...(waivers.length > 0 ? [`Waivers (${waivers.length}):`, ...[...new Set(waivers.map(waiverLine))]] : []),
  ].join('\n');
  return { description, props, remarks };
}

function implementedRequirement(
  key: Framework,
  env: string,
  controlId: string,
  parts: Array<{ control: FrameworkControl; statementId?: string }>,
  sourceLinks: Map<string, string>,
) {
  const whole = parts.filter((p) => p.statementId === undefined);
  const entries = [...new Set(parts.flatMap((p) => p.control.entries))];
  const status = worstStatus(parts.map((p) => p.control.status));
  const main = whole.length > 0 ? implementation(key, whole[0].control.control, status, whole[0].control.entries) : undefined;
  const sources = [...new Set(entries.flatMap((e) => e.entry.mappings.filter((m) => m.framework === key).map((m) => m.source)))];
  const requirement: any = {
    uuid: uuidV5(`${env}/${key}/${controlId}`),
    'control-id': controlId,
    description: main?.description ?? `Met through its statements: ${parts.map((p) => p.control.control).join(', ')}.`,
    props: main?.props ?? [prop('label', parts.map((p) => p.control.control).join(', ')), prop('status', status)],
    links: sources.map((s) => ({ href: `#${sourceLinks.get(s)}`, rel: 'reference', text: `mapping source ${s}` })),
  };
  const statements = parts.filter((p) => p.statementId !== undefined);
  if (statements.length > 0) {
    requirement.statements = statements.map((p) => {
      const s = implementation(key, p.control.control, p.control.status, p.control.entries);
      return {
        'statement-id': p.statementId,
        uuid: uuidV5(`${env}/${key}/${p.statementId}`),
        description: s.description,
        props: s.props,
        ...(s.remarks ? { remarks: s.remarks } : {}),
      };
    });
  }
  if (main?.remarks) requirement.remarks = main.remarks;
  return requirement;
}

export interface ComponentDefinitionProps {
  /** The document's version (e.g. the repository commit); default: the catalogue version and the synth time. */
  readonly version?: string;
}

/** The OSCAL component definition of the environment's evidence. */
export function componentDefinition(evidence: EnvironmentEvidence, props: ComponentDefinitionProps = {}): any {
  const env = evidence.environment;
  const sourceLinks = new Map(evidence.catalogue.sources.map((s) => [s.id, uuidV5(`${env}/source/${s.id}`)]));
  const controlImplementations = FRAMEWORKS.map((key) => {
    const info = OSCAL_FRAMEWORKS[key];
    const byId = new Map<string, Array<{ control: FrameworkControl; statementId?: string }>>();
    for (const control of frameworkControls(evidence, key)) {
      const { controlId, statementId } = info.controlId(control.control);
      byId.set(controlId, [...(byId.get(controlId) ?? []), { control, statementId }]);
    }
    return {
      uuid: uuidV5(`${env}/${key}`),
      source: info.source,
      description: `How the guardrails meet ${info.title} in environment ${env}: the mappings of compliance/catalogue.json, each naming its source, with the status each control has in this synth.`,
      props: [prop('framework', key)],
      'implemented-requirements': [...byId].map(([controlId, parts]) => implementedRequirement(key, env, controlId, parts, sourceLinks)),
    };
  }).filter((ci) => ci['implemented-requirements'].length > 0);
  const status = worstStatus(evidence.entries.map((e) => e.status));
  return {
    'component-definition': {
      uuid: uuidV5(`${env}/component-definition`),
      metadata: {
        title: `cdk-guardrails: control implementation of environment ${env}`,
        'last-modified': evidence.synthesizedAt || new Date().toISOString(),
        version: props.version ?? `catalogue v${evidence.catalogue.version}, synthesized ${evidence.synthesizedAt}`,
        'oscal-version': OSCAL_VERSION,
        props: [prop('environment', env), prop('waivers-judged-on', evidence.today)],
      },
      components: [
        {
          uuid: uuidV5(`${env}/component`),
          type: 'software',
          title: `cdk-guardrails, environment ${env}`,
          description: `The multi-account security guardrails (AWS CDK construct packages @cdk-guardrails/*) as synthesized for environment ${env}: ${evidence.templates.length} templates, checked at synth by the rule packs ${evidence.plugins.join(', ')}.`,
          purpose:
            'Security guardrails that the accounts they guard cannot switch off: encryption at rest and in transit, least-privilege IAM, central logging, key hierarchy, secret rotation.',
          props: [prop('environment', env), prop('status', status), ...evidence.plugins.map((p) => prop('rule-pack', p))],
          links: evidence.templates.map((t) => ({ href: `#${uuidV5(`${env}/template/${t.stack}`)}`, rel: 'evidence', text: t.stack })),
          'control-implementations': controlImplementations,
        },
      ],
      'back-matter': {
        resources: [
          ...evidence.catalogue.sources.map((s) => ({
            uuid: sourceLinks.get(s.id),
            title: s.title,
            props: [prop('source-id', s.id)],
            rlinks: [{ href: s.url }],
          })),
          ...evidence.templates.map((t) => ({
            uuid: uuidV5(`${env}/template/${t.stack}`),
            title: `CloudFormation template of stack ${t.stack}`,
            rlinks: [{ href: t.file, 'media-type': 'application/json', hashes: [{ algorithm: 'SHA-256', value: t.sha256 }] }],
          })),
          {
            uuid: uuidV5(`${env}/compliance-report`),
            title: 'Compliance report of the synth (every finding, open or waived)',
            rlinks: [
              { href: 'compliance-report.json', 'media-type': 'application/json' },
              { href: 'compliance-report.sarif', 'media-type': 'application/sarif+json' },
            ],
          },
        ],
      },
    },
  };
}
