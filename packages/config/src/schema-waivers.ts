/**
 * Who answers for the apps' acknowledgements (the compliance gate's waivers) and until when. The
 * apps' acknowledgements are design decisions of this repository: their owner is the team that
 * owns the guardrails, their expiry a review date. An acknowledgement may name its own owner,
 * expiry and ticket; these are the defaults. Past `reviewBy`, synth fails naming each waiver: review
 * them, then move the date. A production environment must set both.
 */
import { z } from 'zod';

const CALENDAR_DATE = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected a calendar date YYYY-MM-DD, e.g. "2027-06-30"' })
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), {
    error: 'expected a real calendar date YYYY-MM-DD',
  });

export const WAIVERS = z.strictObject({
  owner: z
    .string()
    .trim()
    .min(1, { error: 'expected the team or person who answers for the acknowledgements' })
    .describe('Who answers for the acknowledgements'),
  reviewBy: CALENDAR_DATE.optional().describe('The last day the acknowledgements hold without review (UTC); from the next day synth fails'),
});
