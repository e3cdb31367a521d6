// Pure helpers of the audit-replication suite (unit-tested offline in test/unit/dr-helpers.test.ts).

/**
 * Key prefixes where CloudTrail delivers the log files of a trail without a key
 * prefix, for one recorded region (`AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/`; a multi-region trail writes one such prefix per region), for `now`'s UTC day and the day
 * before (delivery runs a few minutes behind: just after midnight, today's prefix may be empty).
 */
export function trailLogPrefixes(accountId: string, region: string, now: Date): string[] {
  const day = (d: Date) => `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`;
  const yesterday = new Date(now.getTime() - 24 * 60 * 60 * 1000);
  return [now, yesterday].map((d) => `AWSLogs/${accountId}/CloudTrail/${region}/${day(d)}/`);
}

/** The most recently written object of a listing (undefined for an empty listing). */
export function newestObject<T extends { readonly Key?: string; readonly LastModified?: Date }>(objects: readonly T[]): T | undefined {
  return objects
    .filter((o) => o.Key !== undefined && o.LastModified !== undefined)
    .reduce<T | undefined>((newest, o) => (newest === undefined || o.LastModified!.getTime() > newest.LastModified!.getTime() ? o : newest), undefined);
}
