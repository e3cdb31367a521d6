/** The provenance every central record carries (`guardrailsProvenance`), and how it is added. */
import { LogClassName } from './limits';
import { ClassificationRule } from './types';
/** The top-level key of the provenance the forwarder adds to every central record. */
export const PROVENANCE_KEY = 'guardrailsProvenance';

/** Where a payload came from and how the receiving side classed it. */
export interface ProvenanceSource {
  readonly account: string;
  readonly region: string;
  readonly logGroup: string;
  readonly logStream: string;
  readonly logClass: LogClassName;
  readonly rule: ClassificationRule;
}

/**
 * The provenance object of a payload as JSON without its closing brace (each event appends its id):
 * source account, region, log group and log stream (set by CloudWatch Logs and Kinesis), the class
 * decided and the rule that decided it.
 */
export function provenancePrefix(source: ProvenanceSource): string {
  const json = JSON.stringify({
    account: source.account,
    region: source.region,
    logGroup: source.logGroup,
    logStream: source.logStream,
    logClass: source.logClass,
    classifiedBy: { logGroupNamePrefix: source.rule.logGroupNamePrefix, ...(source.rule.accountIds ? { accountIds: source.rule.accountIds } : {}) },
  });
  return json.slice(0, -1);
}

/**
 * The central record of one event: the source message with the provenance as its first top-level
 * key. A JSON object keeps its own text (its other keys, their order and number precision: the
 * provenance is spliced in, the message is never re-serialized), so Logs Insights queries on its
 * fields work as before. Anything else (plain text, arrays), and an object that already has a
 * top-level `guardrailsProvenance` (a sender could forge one) or a dotted `guardrailsProvenance.<field>`
 * (which Logs Insights flattens to the same field name), is kept whole as the string `message`.
 * `claimsProvenance`: the source message is an object with a provenance key of its own.
 *
 * Cost: a message is parsed only when it contains the key's name or a JSON `\u` escape (which could
 * spell it); otherwise one that starts with '{' and ends with '}' is taken for an object without
 * parsing (a line that only looks like one stays as invalid as it was, with the provenance in its
 * text). `objectShaped`: it starts with '{' and ends with '}'.
 */
export function withProvenance(
  message: string,
  prefix: string,
  eventId: string | undefined,
  messageBytes?: number,
): { message: string; bytes: number; claimsProvenance: boolean; objectShaped: boolean } {
  const provenance = `${prefix}${eventId !== undefined ? `,"eventId":${JSON.stringify(String(eventId))}` : ''}}`;
  const start = firstNonSpace(message);
  const objectShaped = start >= 0 && message.charCodeAt(start) === 0x7b /* { */ && message.charCodeAt(lastNonSpace(message)) === 0x7d; /* } */
  const whole = (claimsProvenance: boolean) => {
    const wrapped = `{"${PROVENANCE_KEY}":${provenance},"message":${JSON.stringify(message)}}`;
    return { message: wrapped, bytes: Buffer.byteLength(wrapped, 'utf8'), claimsProvenance, objectShaped };
  };
  if (!objectShaped) return whole(false);
  // Parse whenever the key could be there: spelled out, or with JSON escapes ("guardrails\u0050rovenance"
  // decodes to the same key, and a last-wins reader would take the sender's).
  if (mayNameProvenance(message)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      return whole(false);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return whole(false);
    if (Object.keys(parsed).some(isProvenanceKey)) return whole(true);
  }
  const rest = message.slice(start + 1);
  const head = `{"${PROVENANCE_KEY}":${provenance}${message.charCodeAt(firstNonSpace(rest) + start + 1) === 0x7d ? '' : ','}`;
  // The leading blanks and '{' dropped are one byte each: no second pass over the message.
  const bytes = Buffer.byteLength(head, 'utf8') + (messageBytes ?? Buffer.byteLength(message, 'utf8')) - (start + 1);
  return { message: head + rest, bytes, claimsProvenance: false, objectShaped };
}

/**
 * A top-level key a reader could take for the provenance or one of its fields: the key itself, or a
 * dotted one (`guardrailsProvenance.account`), which is the name Logs Insights gives the nested
 * field when it flattens the record, so the two would collide.
 */
function isProvenanceKey(key: string): boolean {
  return key === PROVENANCE_KEY || key.startsWith(`${PROVENANCE_KEY}.`);
}

/**
 * Whether a message could spell the provenance key, as it is or with JSON escapes: the test that
 * decides whether withProvenance parses it, and whether a text too large to wrap may be written
 * without its provenance.
 */
export function mayNameProvenance(message: string): boolean {
  return message.includes(PROVENANCE_KEY) || message.includes('\\u');
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function firstNonSpace(s: string): number {
  for (let i = 0; i < s.length; i++) if (!isSpace(s.charCodeAt(i))) return i;
  return -1;
}

function lastNonSpace(s: string): number {
  for (let i = s.length - 1; i >= 0; i--) if (!isSpace(s.charCodeAt(i))) return i;
  return -1;
}
