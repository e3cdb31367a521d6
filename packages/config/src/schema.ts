/**
 * The typed configuration schema of one environment (config/<env>.json).
 *
 * Field-level rules live here (formats, enums, ranges, unknown fields); rules that
 * span fields (same account twice, imported keys in the wrong account or region,
 * prod limits) live in ./cross-field.ts. The JSON Schema for editors is generated
 * from this file (npm run config:schema), never edited by hand. Field formats shared by every
 * section are in ./schema-primitives.ts, the databases and API keys in ./schema-secrets.ts.
 */
import { z } from 'zod';
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
import { API_KEY, DATABASE, RESOURCE_NAME } from './schema-secrets';

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
  accessAnalyzer: z.boolean().default(true).describe('IAM Access Analyzer (organization analyzer when organizationId is set)'),
});
const DETECTIVE_CONTROLS_ON = { configRecorder: true, configRules: true, guardDuty: true, accessAnalyzer: true };

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

const AVAILABILITY_ZONE = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, { error: 'expected an availability zone name such as eu-west-1a' });

/** Interface endpoints the project's functions use, by IAM service prefix. */
export const ENDPOINT_SERVICES = ['secretsmanager', 'kms', 'logs', 'kinesis', 'sqs', 'sts', 'lambda'] as const;

/** The interface endpoints created by default: Lambda's only where an API key's registration hook is invoked (config says so). */
const DEFAULT_ENDPOINT_SERVICES: Array<(typeof ENDPOINT_SERVICES)[number]> = ['secretsmanager', 'kms', 'logs', 'kinesis', 'sqs', 'sts'];

const PRIVATE_VPC = z.discriminatedUnion(
  'source',
  [
    z.strictObject({
      source: z.literal('create'),
      availabilityZones: z.array(AVAILABILITY_ZONE).min(1, { error: 'expected at least one availability zone (two or more for availability)' }),
      cidr: z
        .string()
        .regex(/^\d{1,3}(\.\d{1,3}){3}\/(1[6-9]|2[0-6])$/, { error: 'expected an IPv4 range from /16 to /26, e.g. 10.0.0.0/24' })
        .default('10.0.0.0/24'),
    }),
    z.strictObject({
      source: z.literal('existing'),
      vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, { error: 'expected a VPC id (vpc-...)' }),
      availabilityZones: z.array(AVAILABILITY_ZONE).min(1),
      privateSubnetIds: z
        .array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, { error: 'expected a subnet id (subnet-...)' }))
        .min(1)
        .describe('Subnets without a route to an internet or NAT gateway, in availability-zone order'),
      privateSubnetRouteTableIds: z
        .array(z.string().regex(/^rtb-[0-9a-f]{8,17}$/, { error: 'expected a route table id (rtb-...)' }))
        .default([])
        .describe('Route table of each private subnet (same order); needed for the S3 gateway endpoint'),
      dedicatedRouteTables: z
        .boolean()
        .default(false)
        .describe(
          'Only these private subnets use the route tables: required for the S3 gateway endpoint in an existing VPC (its route and policy apply to every subnet of a route table)',
        ),
      vpcCidrBlocks: z
        .array(
          z
            .string()
            .regex(/^(\d{1,3}(\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+:[0-9a-fA-F:]*\/\d{1,3})$/, { error: 'expected an IPv4 or IPv6 range, e.g. 10.20.0.0/16' }),
        )
        .default([])
        .describe(
          'Every range of the VPC (primary, secondary, IPv6): required with privateDnsServices (the endpoints with private DNS admit them; a range left out loses those services)',
        ),
      privateDnsServices: z
        .array(z.enum(ENDPOINT_SERVICES, { error: `expected one of ${ENDPOINT_SERVICES.join(', ')}` }))
        .default([])
        .describe(
          'Interface endpoints that get private DNS in this existing VPC (the whole VPC then calls the service through them): only for code that cannot use an endpoint name, such as the hosted rotation of Oracle, SQL Server, Redshift or MongoDB credentials (secretsmanager). The functions of the project (the PostgreSQL, MySQL and MariaDB rotation included) use endpoint names',
        ),
    }),
  ],
  { error: 'expected vpc.source to be "create" or "existing"' },
);

const PRIVATE_FUNCTIONS_VPC = z.strictObject({
  accountId: ACCOUNT_ID,
  region: REGION,
  vpc: PRIVATE_VPC,
  interfaceEndpoints: z
    .array(z.enum(ENDPOINT_SERVICES, { error: `expected one of ${ENDPOINT_SERVICES.join(', ')}` }))
    .default([...DEFAULT_ENDPOINT_SERVICES])
    .describe(
      "Interface endpoints to create; leave out a service whose endpoint (with private DNS) already exists in an existing VPC; add lambda where an API key's registration hook is invoked",
    ),
  s3GatewayEndpoint: z
    .boolean()
    .optional()
    .describe(
      "Create the S3 gateway endpoint (the project's functions never call S3). Default: true for a created VPC, false for an existing one; in an existing VPC only with vpc.dedicatedRouteTables",
    ),
});

const S3 = z.discriminatedUnion(
  'encryption',
  [
    z.strictObject({ encryption: z.literal('SSE_S3') }),
    z.strictObject({
      encryption: z.literal('SSE_KMS'),
      kmsKey: KEY_SOURCE.optional().describe('Required with SSE_KMS: the data key buckets are pinned to (create it, or import one per account and region)'),
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

const ROLE_NAME = z.string().regex(/^[\w+=,.@-]{1,64}$/, { error: 'expected an IAM role name (1-64 letters, digits, +=,.@_-; no path, no wildcard)' });

const ROLE_ARN = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, {
  error: 'expected an exact IAM role ARN (arn:aws:iam::<account>:role/<name>; no wildcard)',
});

/** The CDK bootstrap qualifier CDK uses unless told otherwise. */
export const DEFAULT_CDK_QUALIFIER = 'hnb659fds';

/**
 * The principals the guardrails trust by exact ARN (every exemption rests on one of these, never
 * on a tag or a name pattern an admin inside the boundary could obtain). Role names are the same in
 * every account of the environment; the apps build each account's exact ARNs from them.
 */
const PRINCIPALS = z.strictObject({
  pipelineRoleArns: z
    .array(ROLE_ARN)
    .min(1, { error: 'expected at least one pipeline role ARN: the principal that runs cdk deploy (it alone may assume the CDK bootstrap roles)' })
    .describe('Roles that run cdk deploy: the only principals that may assume the CDK bootstrap roles (deploy, file publishing, lookup) of the accounts'),
  cdkQualifier: z
    .string()
    .regex(/^[a-z0-9]{1,10}$/, { error: 'expected the CDK bootstrap qualifier: 1-10 lower-case letters or digits' })
    .default(DEFAULT_CDK_QUALIFIER)
    .describe('Qualifier of the CDK bootstrap (cdk bootstrap --qualifier); names the CDK roles cdk-<qualifier>-*'),
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

export const CONFIG_SCHEMA = z.strictObject({
  $schema: z.string().optional().describe('Path of the JSON Schema, for editors'),
  environment: z.string().regex(/^[a-z][a-z0-9-]{0,15}$/, {
    error: 'expected a short lower-case environment name (letters, digits, "-"), equal to the file name',
  }),
  organizationId: ORGANIZATION_ID.optional().describe('AWS Organizations id. Only when set do policies use aws:PrincipalOrgID; never assumed otherwise'),
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
  iam: z
    .strictObject({
      crossAccountRoles: z
        .array(
          z.strictObject({
            name: z.string().regex(/^[A-Za-z][\w+=,.@-]{0,63}$/, { error: 'expected an IAM role name (letters, digits, +=,.@_-, at most 64 characters)' }),
            trustedAccountIds: z.array(ACCOUNT_ID).min(1, { error: 'expected at least one trusted account' }),
            externalId: z.string().regex(/^[\w+=,.@:/-]{2,1224}$/, { error: 'expected an external id of 2-1224 characters (letters, digits, +=,.@:/-_)' }),
            requireMfa: z.boolean().default(false),
            maxSessionHours: z.number().int().min(1).max(12, { error: 'expected 1-12 hours (the IAM MaxSessionDuration range)' }).default(1),
            roleChaining: z.boolean().default(false).describe('The role is assumed from another assumed role: AWS caps such sessions at 1 hour'),
            awsManagedPolicies: z
              .array(z.string().regex(/^[A-Za-z0-9/_-]+$/, { error: 'expected the name of an AWS managed policy, e.g. SecurityAudit' }))
              .default([]),
          }),
        )
        .default([])
        .describe(
          'Roles created in every workload account for principals of other accounts (e.g. the security team); the external id never appears in outputs',
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
              z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, {
                error: 'expected the exact ARN of an IAM role of the security account (arn:aws:iam::<account>:role/<name>, no wildcards)',
              }),
            )
            .min(1, { error: 'expected at least one role ARN (leave readers out to create no reader role)' }),
          externalId: z
            .string()
            .regex(/^[\w+=,.@:/-]{2,1224}$/, { error: 'expected an external id of 2-1224 characters (letters, digits, +=,.@:/-_)' })
            .describe('External id the readers must pass when they assume the reader role (sts:ExternalId)'),
          requireMfa: z.boolean().default(true).describe('Assuming the reader role needs an MFA-authenticated session (false for an automated auditor)'),
        })
        .optional()
        .describe(
          'Who may read the trail log files (forensics, CloudTrail log file validation): roles of the security account that may assume guardrails-trail-reader-<region> in each workload account. Read only: nothing may write, delete or re-key them',
        ),
    })
    .default({ objectLock: { mode: 'none' }, s3DataEvents: false }),
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
export type PrincipalsConfig = z.output<typeof PRINCIPALS>;
