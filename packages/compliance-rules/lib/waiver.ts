/**
 * Who answers for an acknowledgement and until when: a waiver. An acknowledgement with a waiver
 * fails synthesis once its expiry date has passed (naming the rule, the construct, the owner and
 * the date), and the compliance report lists the waivers that expire within 30 days.
 */
export interface WaiverDetails {
  /** Who answers for the waiver: a team or a person, as your organization names them. */
  readonly owner: string;
  /**
   * The last day the waiver holds, a calendar date `YYYY-MM-DD` (UTC). From the day after, synthesis fails.
   *
   * @default - no expiry (a production environment of the apps refuses this)
   */
  readonly expires?: string;
  /**
   * The ticket that tracks the waiver, e.g. `SEC-1234`.
   *
   * @default - no ticket
   */
  readonly ticket?: string;
}
