/** The organization policies (config organizationPolicies): SCP/RCP targets and slots, RCP trusted accounts, SCP switches. */
import { z } from 'zod';
import { ACCOUNT_ID } from './schema-primitives';

/** AWS Organizations attaches at most 5 SCPs and 5 RCPs to one root, OU or account. */
export const MAX_POLICIES_PER_TARGET = 5;

const SLOTS = (what: string) =>
  z
    .number()
    .int({ error: 'expected a whole number of policies' })
    .min(0, { error: 'expected 0 to 5 policies' })
    .max(MAX_POLICIES_PER_TARGET, { error: `expected at most ${MAX_POLICIES_PER_TARGET} policies (the AWS Organizations limit per target)` })
    .default(1)
    .describe(what);

export const POLICY_TARGET = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'expected 1-64 letters, digits, "-" or "_" (it names the files, for example "ou-prod" or "accounts")' })
    .describe('The root, OU or accounts the documents go to; documents are named <scp|rcp>-<name>-<n>.json'),
  scpSlotsUsed: SLOTS('SCPs already attached to the target: FullAWSAccess and the Control Tower SCPs (aws-guardrails-*)'),
  rcpSlotsUsed: SLOTS('RCPs already attached to the target: RCPFullAWSAccess (if it counts in your organization) and Control Tower RCP controls'),
});

export const ORGANIZATION_POLICIES_DEFAULT = {
  trustedAccountIds: [] as string[],
  targets: [{ name: 'environment', scpSlotsUsed: 1, rcpSlotsUsed: 1 }],
  denySseC: true,
  requireImdsV2: true,
};

export const ORGANIZATION_POLICIES = z.strictObject({
  trustedAccountIds: z
    .array(ACCOUNT_ID)
    .default([])
    .refine((ids) => new Set(ids).size === ids.length, { error: 'expected each account once' })
    .describe(
      'Accounts outside the organization whose principals the RCP identity perimeter lets reach our resources (a resource policy must still grant them); needs organizationId',
    ),
  targets: z
    .array(POLICY_TARGET)
    .min(1, { error: 'expected at least one target' })
    .refine((ts) => new Set(ts.map((t) => t.name)).size === ts.length, { error: 'expected each target name once' })
    .default(ORGANIZATION_POLICIES_DEFAULT.targets)
    .describe(
      "Where the compiled SCP/RCP documents go, in the order their free slots (5 minus slots used) are filled: targets on one path from the root to the environment's accounts, holding only them",
    ),
  denySseC: z.boolean().default(true).describe('S3 SCP: deny object writes with a customer-provided key (SSE-C)'),
  requireImdsV2: z
    .boolean()
    .default(true)
    .describe('SCP: deny launching instances without IMDSv2 and changing instance metadata options (except the SCP exemptions)'),
});
