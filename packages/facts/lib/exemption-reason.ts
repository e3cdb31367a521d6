/**
 * An exemption from a guardrail (a role without a permissions boundary, a suppressed policy
 * finding, a function outside the private network, an acknowledged compliance finding, an
 * accepted hosted rotation) must say why, in at least 20 characters.
 *
 * Project decision: 20 characters is about four words, enough to name the reason and what
 * compensates for it ("legacy vendor role, SCP-bounded"); 10 let "legacy app" or "not needed"
 * through, which tell a reviewer nothing.
 */
export class ExemptionReason {
  /** The fewest characters (after trimming) a reason may have. */
  public static readonly MIN_LENGTH = 20;

  /** Whether `reason` is a string of at least `MIN_LENGTH` characters once trimmed. */
  public static isSufficient(reason: string): boolean {
    return typeof reason === 'string' && reason.trim().length >= ExemptionReason.MIN_LENGTH;
  }

  private constructor() {}
}
