/** IAM Access Analyzer settings: the unused-access analyzer of the security account and the custom policy checks of validate-policies. */
import { z } from 'zod';

/**
 * The unused-access analyzer of the security account, in its first region only (IAM is global; it
 * is billed per role and user analyzed per month). With organizationId it is an
 * ORGANIZATION_UNUSED_ACCESS analyzer, which needs the security account registered as the delegated
 * administrator for IAM Access Analyzer (access-analyzer.amazonaws.com) by the management account;
 * without, ACCOUNT_UNUSED_ACCESS (the security account only).
 */
export const UNUSED_ACCESS_ANALYZER = z.strictObject({
  enabled: z.boolean().default(true).describe('Create the unused-access analyzer'),
  trackingPeriodDays: z
    .number()
    .int({ error: 'expected whole days from 1 to 365 (UnusedAccessAge of IAM Access Analyzer)' })
    .min(1, { error: 'expected whole days from 1 to 365 (UnusedAccessAge of IAM Access Analyzer)' })
    .max(365, { error: 'expected whole days from 1 to 365 (UnusedAccessAge of IAM Access Analyzer)' })
    .default(90)
    .describe('Access unused for this many days becomes a finding (UnusedAccessAge, 1-365)'),
});
export const UNUSED_ACCESS_ANALYZER_DEFAULT = { enabled: true, trackingPeriodDays: 90 };

/** IAM actions no identity policy of ours may grant (CheckAccessNotGranted); service:Action, wildcards allowed. */
export const DEFAULT_ACCESS_NOT_GRANTED = ['kms:PutKeyPolicy', 'iam:PassRole'];

/** What validate-policies checks with IAM Access Analyzer (synth writes it to cdk.out/<env>/policy-validation.json). */
export const POLICY_VALIDATION = z.strictObject({
  accessNotGranted: z
    .array(z.string().regex(/^[a-z0-9-]+:[A-Za-z0-9*?]+$/, { error: 'expected an IAM action such as "kms:PutKeyPolicy"' }))
    .max(1000, { error: 'expected at most 1,000 actions (validate-policies sends them 100 per CheckAccessNotGranted call, one call per policy)' })
    .default(DEFAULT_ACCESS_NOT_GRANTED)
    .describe(
      'Actions no identity policy of ours may grant (validate-policies with credentials: IAM Access Analyzer CheckAccessNotGranted, 100 actions per call); a policy that must grant one says why with PolicyValidator.suppress(scope, PolicyRule.FORBIDDEN_ACCESS, reason, { owner, expires })',
    ),
});
export const POLICY_VALIDATION_DEFAULT = { accessNotGranted: DEFAULT_ACCESS_NOT_GRANTED };
