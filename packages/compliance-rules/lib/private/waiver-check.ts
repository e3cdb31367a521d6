import { IConstruct } from 'constructs';
import type { ComplianceFinding } from '../compliance-report';
import { ExpiringWaiver, WaiverRecord, Waivers } from '../waiver';

/** The findings with the owner, expiry and ticket of the waiver that acknowledged them. */
export function withWaivers(findings: ComplianceFinding[], records: WaiverRecord[]): ComplianceFinding[] {
  const byKey = new Map(records.map((r) => [`${r.constructPath}|${r.id}`, r]));
  return findings.map((f) => {
    if (!f.acknowledged) return f;
    const r = byKey.get(`${f.acknowledgedAt}|${f.plugin.replace(/ /g, '-')}::${f.ruleId}`);
    return r ? { ...f, owner: r.owner, expires: r.expires, ...(r.ticket !== undefined ? { ticket: r.ticket } : {}) } : f;
  });
}

const DAY = 24 * 60 * 60 * 1000;

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY);
}

/** Waivers that expire today or within the window (not yet expired), soonest first. */
export function expiringWaivers(records: WaiverRecord[], today: string): ExpiringWaiver[] {
  return records
    .map((r) => ({ r, daysLeft: daysBetween(today, r.expires) }))
    .filter(({ daysLeft }) => daysLeft >= 0 && daysLeft <= Waivers.EXPIRING_WITHIN_DAYS)
    .sort((a, b) => a.daysLeft - b.daysLeft || a.r.constructPath.localeCompare(b.r.constructPath))
    .map(({ r, daysLeft }) => ({
      id: r.id,
      constructPath: r.constructPath,
      owner: r.owner,
      expires: r.expires,
      ...(r.ticket !== undefined ? { ticket: r.ticket } : {}),
      daysLeft,
    }));
}

/**
 * The reasons the waivers fail the gate: an expired waiver (expires < today, UTC), and, in a
 * production environment, an acknowledgement of a rule pack with no waiver record (made with
 * `Validations.of(c).acknowledge` directly: no owner, no expiry). Empty when none.
 */
export function waiverProblems(scope: IConstruct, records: WaiverRecord[], today: string, production: boolean): string[] {
  const problems = records
    .filter((r) => r.expires < today)
    .map(
      (r) =>
        `expired waiver: ${r.id} at ${r.constructPath}, owner ${r.owner}, expired ${r.expires} (today ${today}); renew it (new expiry, with the owner's review) or fix the finding`,
    );
  if (production) {
    const waived = new Set(records.map((r) => `${r.constructPath}|${r.id}`));
    for (const construct of scope.node.findAll()) {
      for (const entry of construct.node.metadata) {
        if (entry.type !== 'aws:cdk:acknowledged-rules' || !entry.data) continue;
        for (const id of Object.keys(entry.data as Record<string, string>)) {
          // Annotation ids, and aws-cdk-lib's own acknowledgements of its template validation (the FlowLog
          // construct acknowledges CloudFormation-Validate::F3002/F3003 itself), are not rule-pack waivers.
          if (/^(annotation|CloudFormation-Validate)::/i.test(id) || waived.has(`${construct.node.path}|${id}`)) continue;
          problems.push(
            `waiver without owner or expiry in a production environment: ${id} at ${construct.node.path}; acknowledge it with Acknowledge.atPath and a Waiver (owner, expires)`,
          );
        }
      }
    }
  }
  return problems;
}
