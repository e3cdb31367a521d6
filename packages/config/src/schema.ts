/**
 * The typed configuration schema of one environment (config/<env>.json).
 *
 * Field-level rules live here (formats, enums, ranges, unknown fields); rules that
 * span fields (same account twice, imported keys in the wrong account or region,
 * prod limits) live in ./cross-field.ts. The JSON Schema for editors is generated
 * from this file (npm run config:schema), never edited by hand. Field formats shared by every
 * section are in ./schema-primitives.ts, the databases and API keys in ./schema-secrets.ts, the
 * network mode's VPCs in ./schema-network.ts, the principals and StackSet targets in ./schema-principals.ts,
 * the account baseline in ./schema-account-baseline.ts.
 */
import { z } from 'zod';
import { COMPLIANCE } from './schema-compliance';
import {
  ACCOUNT_ID,
  CIDR,
  DEFAULT_RETENTION_DAYS,
  DEFAULT_ROTATION_DAYS,
  KEY_ARN,
  ORGANIZATION_ID,
  REGION,
  REGIONS,
  RETENTION,
  ROTATION_DAYS,
} from './schema-primitives';
import { GUARDDUTY_PROTECTION, GUARDDUTY_PROTECTION_DEFAULT } from './schema-guardduty';
import { POLICY_VALIDATION, POLICY_VALIDATION_DEFAULT, UNUSED_ACCESS_ANALYZER, UNUSED_ACCESS_ANALYZER_DEFAULT } from './schema-access-analysis';
import { ORGANIZATION_POLICIES, ORGANIZATION_POLICIES_DEFAULT } from './schema-organization';
import { SECURITY_HUB, SECURITY_HUB_DEFAULT } from './schema-securityhub';
import { API_KEY, DATABASE, RESOURCE_NAME } from './schema-secrets';
import { PRIVATE_FUNCTIONS_VPC } from './schema-network';
import { PRINCIPALS, STACK_SETS } from './schema-principals';
import { ACCOUNT_BASELINE } from './schema-account-baseline';

export { ENDPOINT_SERVICES } from './schema-network';
export { DEFAULT_CDK_QUALIFIER, STACK_SETS } from './schema-principals';

export {
  ACCOUNT_ID,
  ALLOWED_RETENTION_DAYS,
  DEFAULT_RETENTION_DAYS,
  DEFAULT_ROTATION_DAYS,
  IAM_EVENTS_REGION,
  KNOWN_REGIONS,
  PROD_MAX_ROTATION_DAYS,
  REGION,
} from './schema-primitives';
export { DATABASE_ENGINES, OWN_ROTATION_DATABASE_ENGINES } from './schema-secrets';

export const KEY_IMPORT = z.strictObject({
  accountId: ACCOUNT_ID,
  region: REGION,
  keyArn: KEY_ARN,
});

/**
 * Where a key comes from. Creating is the default where a default exists; importing
 * needs one key ARN per account and region that uses the key.
 */
export const KEY_SOURCE = z.discriminatedUnion(
  'source',
  [
    z.strictObject({ source: z.literal('create') }),
    z.strictObject({ source: z.literal('import'), imports: z.array(KEY_IMPORT).min(1, { error: 'expected at least one imported key' }) }),
  ],
  { error: 'expected { "source": "create" } or { "source": "import", "imports": [...] }' },
);

/** Which detective controls an account gets (each switchable: AWS allows one recorder per account and region). */
const DETECTIVE_CONTROLS = z.strictObject({
  configRecorder: z
    .boolean()
    .default(true)
    .describe('AWS Config recorder + delivery channel; set false where one exists already (e.g. Control Tower): AWS allows one per account and region'),
  configRules: z.boolean().default(true).describe('Managed AWS Config rules for the guardrails'),
  guardDuty: z.boolean().default(true).describe('GuardDuty detector with S3 protection; set false where the organization manages GuardDuty'),
  guardDutyProtection: GUARDDUTY_PROTECTION.default(GUARDDUTY_PROTECTION_DEFAULT).describe(
    'The GuardDuty protection plans besides S3 protection (always on); used when guardDuty is true',
  ),
  accessAnalyzer: z.boolean().default(true).describe('IAM Access Analyzer (organization analyzer when organizationId is set)'),
});
const DETECTIVE_CONTROLS_ON = {
  configRecorder: true,
  configRules: true,
  guardDuty: true,
  guardDutyProtection: GUARDDUTY_PROTECTION_DEFAULT,
  accessAnalyzer: true,
};

const SECURITY_ACCOUNT = z.strictObject({
  accountId: ACCOUNT_ID,
  regions: REGIONS.describe('Regions with a central log destination; every workload region must be one of them'),
  destinationName: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,512}$/, {
      error: 'expected a CloudWatch Logs destination name: 1-512 letters, digits, "_", "-" or "."',
    })
    .default('guardrails-central-logs'),
  detectiveControls: DETECTIVE_CONTROLS.default(DETECTIVE_CONTROLS_ON).describe(
    "The security account's own detective controls in each of its regions (the central audit store must not be a dark account), switchable as for workloads",
  ),
  unusedAccessAnalyzer: UNUSED_ACCESS_ANALYZER.default(UNUSED_ACCESS_ANALYZER_DEFAULT).describe(
    'IAM Access Analyzer unused-access analyzer in the first region (organization-wide with organizationId: the security account must be the delegated administrator for Access Analyzer)',
  ),
  alarmEmails: z
    .array(z.email({ error: 'expected an e-mail address' }))
    .default([])
    .describe(
      'E-mail addresses subscribed to the guardrail alarm topic (the forwarder dead-letter alarm); each confirms its subscription. Empty: the topic exists and the alarm publishes to it, subscribe by other means',
    ),
});

const WORKLOAD_ACCOUNT = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,23}$/, {
    error: 'expected a short lower-case name (letters, digits, "-", starting with a letter, at most 24 characters); it appears in stack names',
  }),
  accountId: ACCOUNT_ID,
  regions: REGIONS,
  databases: z.array(DATABASE).default([]).describe('Existing databases whose credentials are generated, stored and rotated'),
  apiKeys: z.array(API_KEY).default([]).describe('API keys created and rotated in every region of the account; in production each names its registration hook'),
  serviceTokens: z.array(RESOURCE_NAME).default([]).describe('Service tokens created and rotated in every region of the account'),
});

/**
 * S3 Object Lock on the workload data buckets, no default retention: the workload can lock objects
 * one by one (AWS Control Tower CT.S3.PR.9). Enabling it on a bucket that exists: check with
 * `cdk diff` that CloudFormation updates the bucket in place; it can never be switched off.
 */
const DATA_BUCKET_OBJECT_LOCK = z
  .boolean({ error: 'expected true or false' })
  .default(false)
  .describe('Create the data buckets with S3 Object Lock (no default retention; workloads lock objects one by one). Once on, never off');

const S3 = z.discriminatedUnion(
  'encryption',
  [
    z.strictObject({ encryption: z.literal('SSE_S3'), dataBucketObjectLock: DATA_BUCKET_OBJECT_LOCK }),
    z.strictObject({
      encryption: z.literal('SSE_KMS'),
      kmsKey: KEY_SOURCE.optional().describe('Required with SSE_KMS: the data key buckets are pinned to (create it, or import one per account and region)'),
      dataBucketObjectLock: DATA_BUCKET_OBJECT_LOCK,
    }),
  ],
  { error: 'expected s3.encryption to be "SSE_S3" or "SSE_KMS"' },
);

const STREAM = z.discriminatedUnion(
  'mode',
  [
    z.strictObject({ mode: z.literal('ON_DEMAND') }),
    z.strictObject({
      mode: z.literal('PROVISIONED'),
      shardCount: z.number().int().min(1, { error: 'expected at least 1 shard' }).max(1000, { error: 'expected at most 1000 shards' }),
    }),
  ],
  { error: 'expected { "mode": "ON_DEMAND" } or { "mode": "PROVISIONED", "shardCount": N }' },
);

export const CONFIG_SCHEMA = z.strictObject({
  $schema: z.string().optional().describe('Path of the JSON Schema, for editors'),
  environment: z.string().regex(/^[a-z][a-z0-9-]{0,15}$/, {
    error: 'expected a short lower-case environment name (letters, digits, "-"), equal to the file name',
  }),
  organizationId: ORGANIZATION_ID.optional().describe(
    'AWS Organizations id. Only when set do policies use aws:PrincipalOrgID and does synth write the RCPs; never assumed otherwise',
  ),
  organizationPolicies: ORGANIZATION_POLICIES.default(ORGANIZATION_POLICIES_DEFAULT).describe(
    'The SCP and RCP documents synth writes to cdk.out/<env>/scp and rcp: their targets and the slots already used there, RCP trusted accounts, SCP switches',
  ),
  securityAccount: SECURITY_ACCOUNT,
  principals: PRINCIPALS.describe(
    'Exact principals the guardrails trust: the pipeline, the CDK qualifier, break-glass, key and log admins, StackSet and Control Tower roles',
  ),
  workloadAccounts: z.array(WORKLOAD_ACCOUNT).min(1, { error: 'expected at least one workload account' }),
  kms: z
    .strictObject({
      rotationPeriodDays: z
        .number()
        .int()
        .min(90, { error: 'expected at least 90 days (the KMS minimum rotation period)' })
        .max(2560, { error: 'expected at most 2560 days (the KMS maximum rotation period)' })
        .default(365),
      aliasPrefix: z
        .string()
        .regex(/^[a-zA-Z0-9/_-]{1,64}$/, { error: 'expected 1-64 letters, digits, "/", "_" or "-"' })
        .refine((p) => !p.startsWith('aws'), { error: 'the prefix "aws" is reserved for AWS managed keys' })
        // The boundary and the SCP protect the aliases alias/guardrails* (nobody but the administrators
        // creates, re-points or deletes them): a prefix outside it would leave the names open to squatting.
        .refine((p) => p.startsWith('guardrails'), {
          error:
            'expected a prefix that starts with "guardrails" (such as "guardrails-prod"): the boundary and the SCP protect the aliases alias/guardrails* from being created, re-pointed or deleted by anyone but the administrators',
        })
        .default('guardrails'),
      keys: z
        .strictObject({
          data: KEY_SOURCE.optional().describe('Data key; with s3.encryption SSE_KMS set it through s3.kmsKey instead'),
          secrets: KEY_SOURCE.default({ source: 'create' }),
          logs: KEY_SOURCE.default({ source: 'create' }),
        })
        .default({ secrets: { source: 'create' }, logs: { source: 'create' } }),
    })
    .default({
      rotationPeriodDays: 365,
      aliasPrefix: 'guardrails',
      keys: { secrets: { source: 'create' }, logs: { source: 'create' } },
    }),
  s3: S3,
  logging: z
    .strictObject({
      retentionDays: z
        .strictObject({
          audit: RETENTION.default(DEFAULT_RETENTION_DAYS.audit),
          security: RETENTION.default(DEFAULT_RETENTION_DAYS.security),
          app: RETENTION.default(DEFAULT_RETENTION_DAYS.app),
        })
        .default(DEFAULT_RETENTION_DAYS),
      stream: STREAM.default({ mode: 'ON_DEMAND' }),
    })
    .default({ retentionDays: DEFAULT_RETENTION_DAYS, stream: { mode: 'ON_DEMAND' } }),
  secrets: z
    .strictObject({
      allowedCrossAccountRoleArns: z
        .array(
          z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, {
            error: 'expected an IAM role ARN (arn:aws:iam::<account>:role/<name>)',
          }),
        )
        .default([])
        .describe('Roles in other accounts that may read the secrets; everyone else outside the account is denied'),
      rotationDays: z
        .strictObject({
          database: ROTATION_DAYS.default(DEFAULT_ROTATION_DAYS.database),
          apiKey: ROTATION_DAYS.default(DEFAULT_ROTATION_DAYS.apiKey),
          serviceToken: ROTATION_DAYS.default(DEFAULT_ROTATION_DAYS.serviceToken),
        })
        .default(DEFAULT_ROTATION_DAYS),
    })
    .default({ allowedCrossAccountRoleArns: [], rotationDays: DEFAULT_ROTATION_DAYS }),
  detectiveControls: DETECTIVE_CONTROLS.default(DETECTIVE_CONTROLS_ON).describe('The detective controls of every workload account, in each of its regions'),
  policyValidation: POLICY_VALIDATION.default(POLICY_VALIDATION_DEFAULT).describe('IAM Access Analyzer custom policy checks of validate-policies'),
  securityHub: SECURITY_HUB.default(SECURITY_HUB_DEFAULT).describe(
    'AWS Security Hub in every account and region of the environment, findings aggregated in the security account',
  ),
  iam: z
    .strictObject({
      crossAccountRoles: z
        .array(
          z.strictObject({
            name: z.string().regex(/^[A-Za-z][\w+=,.@-]{0,63}$/, { error: 'expected an IAM role name (letters, digits, +=,.@_-, at most 64 characters)' }),
            trustedAccountIds: z.array(ACCOUNT_ID).min(1, { error: 'expected at least one trusted account' }),
            externalId: z.string().regex(/^[\w+=,.@:/-]{2,1224}$/, { error: 'expected an external id of 2-1224 characters (letters, digits, +=,.@:/-_)' }),
            requireMfa: z
              .boolean()
              .default(false)
              .describe(
                "The trust policy requires aws:MultiFactorAuthPresent (IAM users' MFA sessions). Refused when the assumers are roles of this environment's accounts: they are reached from federated entry roles, whose sessions carry no MFA key",
              ),
            maxSessionHours: z.number().int().min(1).max(12, { error: 'expected 1-12 hours (the IAM MaxSessionDuration range)' }).default(1),
            roleChaining: z.boolean().default(false).describe('The role is assumed from another assumed role: AWS caps such sessions at 1 hour'),
            awsManagedPolicies: z
              .array(z.string().regex(/^[A-Za-z0-9/_-]+$/, { error: 'expected the name of an AWS managed policy, e.g. SecurityAudit' }))
              .default([]),
            assumerRoleArns: z
              .array(
                z.string().regex(/^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]+$/, {
                  error:
                    'expected the exact ARN of an IAM role of a trusted account in the aws partition, whose ARNs the SCPs and the trust policy name (arn:aws:iam::<account>:role/<name>, no wildcards)',
                }),
              )
              .min(1, { error: 'expected at least one role ARN' })
              .optional()
              .describe(
                "The only roles of the trusted accounts that may assume this role (the trust policy's aws:PrincipalArn, and the one exception for them to the SCP that protects it). Required when a trusted account is one of this environment's accounts, which the SCPs govern",
              ),
          }),
        )
        .default([])
        .describe(
          'Roles created in every workload account for principals of other accounts (e.g. the security team); the external id never appears in outputs',
        ),
      assumerEntryRoleArns: z
        .array(
          z.string().regex(/^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]+$/, {
            error:
              'expected the exact ARN of an IAM role in the aws partition, its path included (arn:aws:iam::<account>:role/aws-reserved/sso.amazonaws.com/<region>/AWSReservedSSO_<permission set>_<id>), no wildcards',
          }),
        )
        .min(1, { error: 'expected at least one role ARN' })
        .optional()
        .describe(
          'The only roles that may assume the assumers (iam.crossAccountRoles[].assumerRoleArns, auditLogs.readers.principalArns) where the SCPs govern them: ' +
            "the roles the auditors sign in with, typically their IAM Identity Center permission set's role. Required when an assumer is a role of one of this environment's accounts",
        ),
    })
    .default({ crossAccountRoles: [] }),
  backup: z
    .strictObject({
      enabled: z.boolean().default(false).describe('An AWS Backup plan for the stateful resources of every workload account and region (the data bucket)'),
      retentionDays: z.number().int().min(1).max(36500, { error: 'expected 1-36500 days' }).default(35),
      vaultLock: z
        .discriminatedUnion(
          'mode',
          [
            z.strictObject({ mode: z.literal('none') }),
            z.strictObject({
              mode: z.enum(['compliance', 'governance'], { error: 'expected "compliance" or "governance"' }),
              minRetentionDays: z.number().int().min(1).max(36500),
              maxRetentionDays: z.number().int().min(1).max(36500).optional(),
            }),
          ],
          { error: 'expected { "mode": "none" } or { "mode": "compliance" | "governance", "minRetentionDays": N }' },
        )
        .default({ mode: 'none' })
        .describe('Vault lock: compliance mode cannot be removed after its 3-day grace period'),
    })
    .default({ enabled: false, retentionDays: 35, vaultLock: { mode: 'none' } }),
  network: z
    .strictObject({
      allowedSourceIpRanges: z
        .array(CIDR)
        .default([])
        .describe('Source IP ranges humans may call AWS from; calls AWS services make on your behalf are never blocked'),
      privateFunctions: z
        .strictObject({
          enabled: z
            .boolean()
            .default(false)
            .describe(
              "Run the project's functions (log forwarder, token rotation) in private subnets without an internet route, reaching AWS through VPC endpoints",
            ),
          vpcs: z
            .array(PRIVATE_FUNCTIONS_VPC)
            .default([])
            .describe(
              'One entry per account and region where the project runs functions: the security account in each of its regions, a workload account in each region with API keys, service tokens or databases',
            ),
        })
        .default({ enabled: false, vpcs: [] }),
    })
    .default({ allowedSourceIpRanges: [], privateFunctions: { enabled: false, vpcs: [] } }),
  auditLogs: z
    .strictObject({
      objectLock: z
        .discriminatedUnion(
          'mode',
          [
            z.strictObject({ mode: z.literal('none') }),
            z.strictObject({
              mode: z.enum(['compliance', 'governance'], { error: 'expected "compliance" or "governance"' }),
              retentionDays: z.number().int().min(1).max(36500, { error: 'expected 1-36500 days' }),
            }),
          ],
          { error: 'expected { "mode": "none" } or { "mode": "compliance" | "governance", "retentionDays": N }' },
        )
        .default({ mode: 'none' })
        .describe(
          'Object Lock default retention of every CloudTrail log file in the trail buckets (compliance mode: nobody, not even root, can delete a version before it ends)',
        ),
      replicaRegion: REGION.optional().describe(
        "Replicate every trail bucket of a workload account to a bucket in this region (same account, its own key); not one of the account's stack regions",
      ),
      s3DataEvents: z
        .boolean()
        .default(false)
        .describe(
          "Record who read or wrote the objects of each workload data bucket (S3 data events of exactly that bucket, in its region's trail); CloudTrail charges $0.10 per 100,000 data events",
        ),
      readers: z
        .strictObject({
          principalArns: z
            .array(
              z.string().regex(/^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]+$/, {
                error:
                  'expected the exact ARN of an IAM role of the security account in the aws partition, whose ARN the trust policy and the SCPs name (arn:aws:iam::<account>:role/<name>, no wildcards)',
              }),
            )
            .min(1, { error: 'expected at least one role ARN (leave readers out to create no reader role)' }),
          externalId: z
            .string()
            .regex(/^[\w+=,.@:/-]{2,1224}$/, { error: 'expected an external id of 2-1224 characters (letters, digits, +=,.@:/-_)' })
            .describe('External id the readers must pass when they assume the reader role (sts:ExternalId)'),
          requireMfa: z
            .boolean()
            .default(true)
            .describe(
              "Assuming the reader role needs an MFA-authenticated session (false for an automated auditor, and for readers of this environment's accounts: they are reached from federated entry roles, whose sessions carry no MFA key)",
            ),
        })
        .optional()
        .describe(
          'Who may read the trail log files (forensics, CloudTrail log file validation): roles of the security account that may assume guardrails-trail-reader-<region> in each workload account. Read only: nothing may write, delete or re-key them',
        ),
    })
    .default({ objectLock: { mode: 'none' }, s3DataEvents: false }),
  compliance: COMPLIANCE.describe("Owner and review date of the compliance gate's by-design waivers (acknowledgements)"),
  accountBaseline: ACCOUNT_BASELINE.describe('Account-level settings every account gets: S3 Block Public Access, EBS encryption by default, no SSE-C writes'),
  stackSets: STACK_SETS.optional().describe(
    'Targets of the service-managed StackSet baseline (apps/workload-account bin/stackset); -c stackset-targets overrides it, validated the same way',
  ),
  tags: z
    .record(
      z.string().regex(/^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u, { error: 'expected a tag key of 1-128 characters, not starting with "aws:"' }),
      z.string().regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u, { error: 'expected a tag value of at most 256 characters' }),
    )
    .default({}),
  removalPolicy: z
    .enum(['retain', 'destroy'], { error: 'expected "retain" or "destroy"' })
    .describe('What happens to keys, log groups, buckets and secrets when a stack is deleted; prod must retain'),
});

/** The configuration as written in the file (defaults not yet applied). */
export type GuardrailsConfigInput = z.input<typeof CONFIG_SCHEMA>;
/** The validated configuration, defaults applied. */
export type GuardrailsConfig = z.output<typeof CONFIG_SCHEMA>;
export type KeySourceConfig = z.output<typeof KEY_SOURCE>;
export type WorkloadAccountConfig = z.output<typeof WORKLOAD_ACCOUNT>;
export type DatabaseConfig = z.output<typeof DATABASE>;
export type ApiKeyConfig = z.output<typeof API_KEY>;

/** The name of an API key entry. */
export function apiKeyName(key: ApiKeyConfig): string {
  return typeof key === 'string' ? key : key.name;
}

/** The registration hook of an API key entry, if it names one. */
export function apiKeyRegistrationHook(key: ApiKeyConfig): { functionName: string; roleName: string } | undefined {
  return typeof key === 'string' ? undefined : key.registrationHook;
}
export type PrivateFunctionsVpcConfig = z.output<typeof PRIVATE_FUNCTIONS_VPC>;
export type StackSetsConfig = z.output<typeof STACK_SETS>;
export type SecurityHubConfig = z.output<typeof SECURITY_HUB>;
export type PrincipalsConfig = z.output<typeof PRINCIPALS>;
export type OrganizationPoliciesConfig = z.output<typeof ORGANIZATION_POLICIES>;
