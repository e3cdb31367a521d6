/** The principals the guardrails trust, and the StackSet targets (config principals, stackSets). */
import { CdkBootstrap } from '@cdk-guardrails/facts';
import { z } from 'zod';
import { ACCOUNT_ID, REGION, REGIONS } from './schema-primitives';

const ROLE_NAME = z.string().regex(/^[\w+=,.@-]{1,64}$/, { error: 'expected an IAM role name (1-64 letters, digits, +=,.@_-; no path, no wildcard)' });

const ROLE_ARN = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, {
  error: 'expected an exact IAM role ARN (arn:aws:iam::<account>:role/<name>; no wildcard)',
});

/** The CDK bootstrap qualifier CDK uses unless told otherwise: config refuses it (see cdkQualifier). */
export const DEFAULT_CDK_QUALIFIER = CdkBootstrap.DEFAULT_QUALIFIER;

/**
 * The principals the guardrails trust by exact ARN (every exemption rests on one of these, never
 * on a tag or a name pattern an admin inside the boundary could obtain). Role names are the same in
 * every account of the environment; the apps build each account's exact ARNs from them.
 */
export const PRINCIPALS = z.strictObject({
  pipelineRoleArns: z
    .array(ROLE_ARN)
    .min(1, { error: 'expected at least one pipeline role ARN: the principal that runs cdk deploy (it alone may assume the CDK bootstrap roles)' })
    .describe('Roles that run cdk deploy: the only principals that may assume the CDK bootstrap roles (deploy, file publishing, lookup) of the accounts'),
  // Required, and never CDK's default: the SCPs exempt the execution roles of the qualifier by name in
  // every account they govern (cdk-<qualifier>-cfn-exec-role-*-<region>), and a role of the default
  // qualifier exists in any account some team bootstrapped with a plain `cdk bootstrap` before the SCPs
  // were attached (threat model, R9-1). The stacks are synthesized with this qualifier too.
  cdkQualifier: z
    .string({
      error: 'expected the CDK bootstrap qualifier of the environment (cdk bootstrap --qualifier): 1-10 lower-case letters or digits, such as "grdprod"',
    })
    .regex(/^[a-z0-9]{1,10}$/, { error: 'expected the CDK bootstrap qualifier: 1-10 lower-case letters or digits' })
    .refine((q) => q !== DEFAULT_CDK_QUALIFIER, {
      error:
        `expected a qualifier of your own, not CDK's default "${DEFAULT_CDK_QUALIFIER}": the SCPs exempt the qualifier's execution roles in every account they govern, ` +
        'and any account a team bootstrapped with a plain `cdk bootstrap` already has them. Choose 1-10 lower-case letters or digits (such as "grdprod") and bootstrap with `cdk bootstrap --qualifier <it>`',
    })
    .describe(
      'Qualifier of the CDK bootstrap (cdk bootstrap --qualifier), not CDK\'s default "hnb659fds"; names the CDK roles cdk-<qualifier>-* and is the synthesizer\'s qualifier',
    ),
  breakGlassRoleName: ROLE_NAME.default('GuardrailsBreakGlass').describe(
    'Break-glass role in every account: exempt from the SCPs, may administer the guardrail keys, log groups, rules, functions and buckets',
  ),
  keyAdminRoleName: ROLE_NAME.default('GuardrailsKeyAdmin').describe(
    'Role in every account that administers the guardrail KMS keys (nobody else, not the account root, may disable, delete or re-policy them)',
  ),
  logAdminRoleName: ROLE_NAME.default('GuardrailsLogAdmin').describe(
    'Role in every account that may change the guardrail log groups, rules, functions, streams and buckets besides the deployment',
  ),
  stackSetExecutionRoleName: ROLE_NAME.default('AWSCloudFormationStackSetExecutionRole').describe(
    'Role StackSets deploy the baseline with in every account (exempt from the SCPs like the CDK execution role)',
  ),
  controlTowerRoleNames: z
    .array(ROLE_NAME)
    .default([])
    .describe('AWS Control Tower roles to exempt from the SCPs, e.g. ["AWSControlTowerExecution"]; empty without Control Tower'),
  boundedRolePath: z
    .string()
    .max(512)
    .regex(/^\/[\x21-\x23\x25-\x29\x2B-\x3E\x40-\x7E]+\/$/, {
      error:
        'expected an IAM path below "/" that starts and ends with "/", e.g. "/bounded/", of printable ASCII characters but "*", "?" and "$" (wildcards and policy variables would widen the exemption)',
    })
    .optional()
    .describe(
      'Identities inside the boundary may create, pass and assume only roles under this IAM path (all of which carry the boundary); off when absent, because existing workload roles must first be re-created under it',
    ),
});

/**
 * Where the StackSet baseline deploys (apps/workload-account/src/bin/stackset.ts; docs/stacksets.md).
 * Its regions are part of the region SCP: a baseline the SCP refused would never be written.
 */
export const STACK_SETS = z.strictObject({
  organizationalUnitIds: z
    .array(
      z.string().regex(/^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/, {
        error: 'expected an organizational unit id (ou-xxxx-xxxxxxxx) or the root id (r-xxxx)',
      }),
    )
    .min(1, { error: 'expected at least one organizational unit' })
    // CreateStackInstances accepts at most 50 OUs per operation.
    .max(50, { error: 'expected at most 50 organizational units (the CreateStackInstances limit); target a parent OU instead' }),
  regions: REGIONS.describe('Regions the baseline deploys to; the first one records global resources with AWS Config'),
  adminAccountId: ACCOUNT_ID.describe('The StackSets administrator: the management account or a delegated administrator'),
  adminRegion: REGION,
  callAs: z.enum(['SELF', 'DELEGATED_ADMIN'], { error: 'expected "SELF" or "DELEGATED_ADMIN"' }).default('SELF'),
  excludedAccountIds: z.array(ACCOUNT_ID).default([]),
  maxConcurrentPercentage: z.number().int().min(1).max(100, { error: 'expected 1-100' }).default(25),
  failureTolerancePercentage: z.number().int().min(0).max(100, { error: 'expected 0-100' }).default(0),
});
