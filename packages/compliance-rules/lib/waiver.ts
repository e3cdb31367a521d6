import { IConstruct } from 'constructs';
import { propError } from './private/errors';

/**
 * A waiver: why a finding is accepted on a construct, who owns that decision and until when it
 * holds. Every acknowledgement made with `Acknowledge.atPath` carries one; `ComplianceReport.synth`
 * fails on an expired waiver and lists the waivers expiring within 30 days.
 *
 * Anyone with commit access can add a waiver: the control is that it is visible (owner, expiry,
 * ticket in the report and in SARIF) and that it stops suppressing, failing synth, once expired.
 */
export interface Waiver {
  /** Why the finding is acceptable here: true and specific to the construct (at least 20 characters). */
  readonly reason: string;
  /** Who owns the decision (a team or a person): not empty. */
  readonly owner: string;
  /**
   * The last day the waiver holds, a calendar date `YYYY-MM-DD` (UTC). Required everywhere: a waiver
   * without an end date is the unreviewed, app-wide exemption this project does not allow. For a
   * by-design decision it is the next review date.
   */
  readonly expires: string;
  /**
   * A ticket that tracks the waiver (e.g. `SEC-123` or a URL).
   *
   * @default - no ticket
   */
  readonly ticket?: string;
}

/** The metadata type under which `Acknowledge.atPath` records each waiver on its construct. */
export const WAIVER_METADATA_TYPE = 'guardrails:waiver';

/** A waiver as recorded on a construct: the waiver plus the plugin-qualified rule id it covers. */
export interface WaiverRecord extends Waiver {
  /** The plugin-qualified rule id (`AwsSolutions::AwsSolutions-S1`). */
  readonly id: string;
  /** The construct path it was made on. */
  readonly constructPath: string;
}

/** A waiver listed in the report because it expires within `Waivers.EXPIRING_WITHIN_DAYS` days. */
export interface ExpiringWaiver {
  /** The plugin-qualified rule id. */
  readonly id: string;
  /** The construct path it was made on. */
  readonly constructPath: string;
  /** Owner of the waiver. */
  readonly owner: string;
  /** Last day it holds, `YYYY-MM-DD`. */
  readonly expires: string;
  /**
   * Ticket of the waiver.
   *
   * @default - no ticket
   */
  readonly ticket?: string;
  /** Days from the report's day to the expiry (0: expires today). */
  readonly daysLeft: number;
}

/** Functions over waivers. */
export class Waivers {
  /** Days before its expiry that a waiver is listed as expiring. */
  public static readonly EXPIRING_WITHIN_DAYS: number = 30;

  /** Whether `date` is a real calendar date written `YYYY-MM-DD` (2026-02-30 is not). */
  public static isCalendarDate(date: string): boolean {
    if (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
    const parsed = new Date(`${date}T00:00:00Z`);
    return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(date);
  }

  /** The UTC calendar date of `date` as `YYYY-MM-DD`. */
  public static dateOf(date: Date): string {
    return date.toISOString().substring(0, 10);
  }

  /** Throws, in the project's error style naming `where`, if the waiver lacks an owner or a real expiry date. */
  public static validate(waiver: Waiver, where: string): void {
    if (typeof waiver?.owner !== 'string' || waiver.owner.trim() === '') {
      throw propError(where, 'owner', JSON.stringify(waiver?.owner), 'the team or person who owns the waiver (not empty)');
    }
    if (!Waivers.isCalendarDate(waiver.expires)) {
      throw propError(where, 'expires', JSON.stringify(waiver.expires), 'a calendar date YYYY-MM-DD (the last day the waiver holds)');
    }
    if (waiver.ticket !== undefined && (typeof waiver.ticket !== 'string' || waiver.ticket.trim() === '')) {
      throw propError(where, 'ticket', JSON.stringify(waiver.ticket), 'a ticket id or URL, or no ticket at all');
    }
  }

  /** The waivers recorded on constructs under `scope`. */
  public static recordedUnder(scope: IConstruct): WaiverRecord[] {
    const records: WaiverRecord[] = [];
    for (const construct of scope.node.findAll()) {
      for (const entry of construct.node.metadata) {
        if (entry.type === WAIVER_METADATA_TYPE && entry.data) records.push({ ...(entry.data as Waiver & { id: string }), constructPath: construct.node.path });
      }
    }
    return records;
  }

  private constructor() {}
}
