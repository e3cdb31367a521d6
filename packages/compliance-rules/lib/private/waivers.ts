import { IConstruct } from 'constructs';
import { propError } from './errors';
import { WaiverDetails } from '../waiver';

/** The construct metadata that carries the waivers of a construct's acknowledgements, by qualified rule id. */
export const WAIVER_METADATA = 'cdk-guardrails:waivers';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Checks a waiver (owner, a real calendar date, a ticket if given); `where` leads the error. */
export function validateWaiver(where: string, waiver: WaiverDetails): void {
  if (typeof waiver.owner !== 'string' || waiver.owner.trim() === '') {
    throw propError(where, 'owner', JSON.stringify(waiver.owner), 'a team or person who answers for the waiver');
  }
  if (waiver.expires !== undefined && !isCalendarDate(waiver.expires)) {
    throw propError(where, 'expires', JSON.stringify(waiver.expires), 'a calendar date YYYY-MM-DD, e.g. 2027-06-30');
  }
  if (waiver.ticket !== undefined && (typeof waiver.ticket !== 'string' || waiver.ticket.trim() === '')) {
    throw propError(where, 'ticket', JSON.stringify(waiver.ticket), 'a ticket reference, or no ticket');
  }
}

/** Today's date in UTC as `YYYY-MM-DD`. */
export function utcDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Whole days from `from` to `to`, both `YYYY-MM-DD`. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Records the waiver of the given (qualified) ids on the construct, for the compliance report. */
export function recordWaiver(construct: IConstruct, qualifiedIds: string[], waiver: WaiverDetails): void {
  const data: Record<string, WaiverDetails> = {};
  for (const id of qualifiedIds) {
    data[id] = {
      owner: waiver.owner.trim(),
      ...(waiver.expires ? { expires: waiver.expires } : {}),
      ...(waiver.ticket ? { ticket: waiver.ticket.trim() } : {}),
    };
  }
  construct.node.addMetadata(WAIVER_METADATA, data);
}

/** The waiver recorded for a qualified id on a construct, if any (the last one recorded wins). */
export function waiverOf(construct: IConstruct, qualifiedId: string): WaiverDetails | undefined {
  let found: WaiverDetails | undefined;
  for (const entry of construct.node.metadata) {
    if (entry.type === WAIVER_METADATA && entry.data && (entry.data as Record<string, WaiverDetails>)[qualifiedId]) {
      found = (entry.data as Record<string, WaiverDetails>)[qualifiedId];
    }
  }
  return found;
}

function isCalendarDate(value: unknown): boolean {
  const m = typeof value === 'string' ? DATE.exec(value) : null;
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}
