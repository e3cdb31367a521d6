/** The owner and review date of the compliance gate's by-design waivers (config compliance). */
import { z } from 'zod';

/** Whether `date` is a real calendar date written `YYYY-MM-DD` (2027-02-30 is not). */
export function isCalendarDate(date: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(date);
}

/**
 * The apps' acknowledgements (apps/<app>/src/compliance.ts, app-kit's *-acknowledgements.ts) are
 * decisions of this repository: their owner is the team that owns the guardrails and their expiry
 * is the date by which that team reviews them again. An acknowledgement may override either.
 */
export const COMPLIANCE = z.strictObject({
  waiverOwner: z
    .string()
    .trim()
    .min(1, { error: 'expected the team that owns the guardrails (not empty)' })
    .describe('Owner of the by-design waivers (the team that owns the guardrails), in the compliance report and SARIF'),
  waiverReviewBy: z
    .string()
    .refine(isCalendarDate, { error: 'expected a calendar date YYYY-MM-DD' })
    .describe('Expiry (YYYY-MM-DD, UTC) of the by-design waivers: the date they are reviewed by; once past, synth fails until it is moved on after a review'),
});
