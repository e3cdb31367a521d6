/**
 * `npm run evidence -- --env <env>`: one page per framework of what the environment's last synth shows,
 * control by control: satisfied, waived (with the first expiry and the owners), open (with why).
 */
import { Framework, FRAMEWORKS } from './catalogue';
import { OSCAL_FRAMEWORKS } from './oscal';
import { EnvironmentEvidence, FrameworkControl, frameworkControls, WaiverEvidence } from './status';

const WIDTH = 100;

/** Words joined with `, ` into lines of at most WIDTH characters, each indented. */
function wrap(words: string[], indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    const next = line === '' ? w : `${line}, ${w}`;
    if (indent.length + next.length > WIDTH && line !== '') {
      lines.push(`${indent}${line},`);
      line = w;
    } else line = next;
  }
  if (line !== '') lines.push(`${indent}${line}`);
  return lines;
}

/** The distinct waivers of a control (an acknowledged finding can count under several entries). */
function waiversOf(control: FrameworkControl): WaiverEvidence[] {
  const seen = new Map<string, WaiverEvidence>();
  for (const w of control.entries.flatMap((e) => e.waivers)) seen.set(`${w.rule}|${w.path}`, w);
  return [...seen.values()];
}

function waivedLine(control: FrameworkControl, pad: number): string {
  const waivers = waiversOf(control);
  const expiries = waivers.map((w) => w.expires ?? '(none)').sort();
  const owners = [...new Set(waivers.map((w) => w.owner ?? '(no owner)'))].sort();
  const rules = [...new Set(waivers.map((w) => w.rule))];
  return `  ${control.control.padEnd(pad)}  ${waivers.length} waiver(s) until ${expiries[0]} (owner ${owners.join(', ')}): ${rules.join(', ')}`;
}

function openLine(control: FrameworkControl, pad: number): string {
  const items = control.entries.flatMap((e) => e.open.map((o) => ({ entry: e.entry.id, ...o })));
  const first = items[0];
  const where = first.path ? ` at ${first.path}` : '';
  const more = items.length > 1 ? ` (+${items.length - 1} more)` : '';
  return `  ${control.control.padEnd(pad)}  ${first.entry}: ${first.rule ? `${first.rule}: ` : ''}${first.problem}${where}${more}`;
}

/** One framework's page. */
export function frameworkSummary(evidence: EnvironmentEvidence, framework: Framework): string[] {
  const controls = frameworkControls(evidence, framework);
  const of = (status: string) => controls.filter((c) => c.status === status);
  const [satisfied, waived, open] = [of('satisfied'), of('waived'), of('open')];
  const pad = Math.max(0, ...controls.map((c) => c.control.length));
  const lines = [
    `== ${OSCAL_FRAMEWORKS[framework].title}: ${controls.length} controls mapped; ${satisfied.length} satisfied, ${waived.length} waived, ${open.length} open`,
    `satisfied (${satisfied.length}): every rule of every guarantee mapped to the control ran and found nothing`,
    ...wrap(
      satisfied.map((c) => c.control),
      '  ',
    ),
    `waived (${waived.length}): findings acknowledged with a reason, an owner and an expiry date`,
    ...waived.map((c) => waivedLine(c, pad)),
    `open (${open.length}):`,
    ...open.map((c) => openLine(c, pad)),
  ];
  // Satisfied or waived by rules that check less than the guarantee: the reader must see it beside the count.
  const partial = controls.filter((c) => c.status !== 'open' && c.entries.some((e) => e.entry.ruleGap !== undefined));
  if (partial.length > 0) {
    lines.push(`of these, the rules check less than the guarantee (docs/compliance-catalogue.md, "Known gaps") for ${partial.length}:`);
    lines.push(
      ...partial.map(
        (c) =>
          `  ${c.control.padEnd(pad)}  ${c.entries
            .filter((e) => e.entry.ruleGap !== undefined)
            .map((e) => e.entry.id)
            .join(', ')}`,
      ),
    );
  }
  return lines;
}

/** The whole summary: a header, then one page per framework (or only `frameworks`). */
export function evidenceSummary(evidence: EnvironmentEvidence, frameworks: readonly Framework[] = FRAMEWORKS): string {
  const open = evidence.entries.filter((e) => e.status === 'open').length;
  const waived = evidence.entries.filter((e) => e.status === 'waived').length;
  const header = [
    `Evidence of environment ${evidence.environment}: synth of ${evidence.synthesizedAt}, waivers judged on ${evidence.today}`,
    `${evidence.entries.length} guarantees (compliance/catalogue.json): ${evidence.entries.length - open - waived} satisfied, ${waived} waived, ${open} open`,
    `rule packs that ran: ${evidence.plugins.join(', ')}`,
    `${evidence.templates.length} templates; details per control in oscal-component.json, per finding in compliance-report.txt`,
  ];
  return [...header, ...frameworks.flatMap((f) => ['', ...frameworkSummary(evidence, f)])].join('\n') + '\n';
}
