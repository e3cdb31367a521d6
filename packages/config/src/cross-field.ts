/**
 * Rules that span several fields of a parsed config. Each returns problems in the same
 * shape as schema errors, so the loader reports them together.
 */
import {
  apiKeyName,
  apiKeyRegistrationHook,
  DEFAULT_RETENTION_DAYS,
  DEFAULT_ROTATION_DAYS,
  GuardrailsConfig,
  IAM_EVENTS_REGION,
  KeySourceConfig,
  PROD_MAX_ROTATION_DAYS,
  WorkloadAccountConfig,
} from './schema';
import { ConfigProblem, problem } from './config-problem';
import { privateFunctions } from './cross-field-network';
import { organizationPolicies, stackSetExecutionRole, stackSetTargets } from './cross-field-stacksets';

export type { ConfigProblem } from './config-problem';
export type { FunctionLocation } from './cross-field-network';
export { functionLocations, privateNetworkFor } from './cross-field-network';

/** Environment names whose config must meet the production limits. */
export const PRODUCTION_ENVIRONMENTS: readonly string[] = ['prod'];

export function crossFieldProblems(config: GuardrailsConfig, envName: string): ConfigProblem[] {
  return [
    ...environmentName(config, envName),
    ...distinctAccounts(config),
    ...workloadSecrets(config),
    ...workloadRegionsHaveDestinations(config),
    ...s3KeyChoice(config),
    ...keyImports(config),
    ...productionLimits(config),
    ...crossAccountRoles(config),
    ...assumerEntries(config),
    ...backupRetention(config),
    ...privateFunctions(config),
    ...auditLogs(config),
    ...stackSetExecutionRole(config),
    ...stackSetTargets(config),
    ...organizationPolicies(config),
    ...securityHubAggregation(config),
  ];
}

/**
 * The regions a workload account has stacks in: its own regions, plus us-east-1 where IAM
 * changes are captured (a capture-only stack when us-east-1 is not one of its regions).
 */
export function workloadStackRegions(account: Pick<WorkloadAccountConfig, 'regions'>): string[] {
  return account.regions.includes(IAM_EVENTS_REGION) ? [...account.regions] : [...account.regions, IAM_EVENTS_REGION];
}

/**
 * The regions of a workload account's stacks that run a CloudTrail trail (and so have a trail
 * bucket): its home region (its first), where the account's multi-region trail records every
 * region's management events, and, with `auditLogs.s3DataEvents`, its other configured regions,
 * where a data-events-only trail records the restricted data bucket's object events. The us-east-1
 * IAM-capture stack of an account without us-east-1 runs none.
 */
export function workloadTrailRegions(config: Pick<GuardrailsConfig, 'auditLogs'>, account: Pick<WorkloadAccountConfig, 'regions'>): string[] {
  return config.auditLogs.s3DataEvents ? [...account.regions] : [account.regions[0]];
}

/** The accounts and regions that hold a key hierarchy: the security account in its regions, every workload account in its stack regions. */
export function keyLocations(config: GuardrailsConfig): Array<{ accountId: string; region: string }> {
  return [
    ...config.securityAccount.regions.map((region) => ({ accountId: config.securityAccount.accountId, region })),
    ...config.workloadAccounts.flatMap((a) => workloadStackRegions(a).map((region) => ({ accountId: a.accountId, region }))),
  ];
}

function environmentName(config: GuardrailsConfig, envName: string): ConfigProblem[] {
  return config.environment === envName ? [] : [problem('environment', config.environment, `"${envName}", the name of the file (config/${envName}.json)`)];
}

function distinctAccounts(config: GuardrailsConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seenIds = new Map<string, string>([[config.securityAccount.accountId, 'securityAccount.accountId']]);
  const seenNames = new Map<string, string>();
  config.workloadAccounts.forEach((account, i) => {
    const where = seenIds.get(account.accountId);
    if (where) {
      problems.push(
        problem(
          `workloadAccounts[${i}].accountId`,
          account.accountId,
          `an account that appears once; it is already used by ${where} (the security account cannot also be a workload account, and each workload account is listed once)`,
        ),
      );
    } else {
      seenIds.set(account.accountId, `workloadAccounts[${i}].accountId`);
    }
    const nameWhere = seenNames.get(account.name);
    if (nameWhere) {
      problems.push(problem(`workloadAccounts[${i}].name`, account.name, `a unique name; it is already used by ${nameWhere}`));
    } else {
      seenNames.set(account.name, `workloadAccounts[${i}].name`);
    }
  });
  return problems;
}

/** Databases live in one of their account's regions; secret names are unique per account. */
function workloadSecrets(config: GuardrailsConfig): ConfigProblem[] {
  return config.workloadAccounts.flatMap((account, i) => {
    const problems: ConfigProblem[] = [];
    account.databases.forEach((db, j) => {
      if (!account.regions.includes(db.region)) {
        problems.push(problem(`workloadAccounts[${i}].databases[${j}].region`, db.region, `one of the account's regions (${account.regions.join(', ')})`));
      }
      if (!db.availabilityZones.every((az) => az.startsWith(db.region))) {
        problems.push(problem(`workloadAccounts[${i}].databases[${j}].availabilityZones`, db.availabilityZones, `availability zones of ${db.region}`));
      }
    });
    const names = [...account.databases.map((d) => d.name), ...account.apiKeys.map(apiKeyName), ...account.serviceTokens];
    const dup = names.find((n, k) => names.indexOf(n) !== k);
    if (dup)
      problems.push(
        problem(`workloadAccounts[${i}]`, dup, 'each database, API key and service token name once per account (secret names are derived from it)'),
      );
    return problems;
  });
}

/** A Logs destination must be in the same region as the log groups that send to it. */
function workloadRegionsHaveDestinations(config: GuardrailsConfig): ConfigProblem[] {
  const central = new Set(config.securityAccount.regions);
  if (!central.has(IAM_EVENTS_REGION)) {
    return [
      problem(
        'securityAccount.regions',
        config.securityAccount.regions,
        `a list that includes ${IAM_EVENTS_REGION}: IAM events reach EventBridge only there, so every workload account ships its IAM changes to a destination in ${IAM_EVENTS_REGION}`,
      ),
    ];
  }
  return config.workloadAccounts.flatMap((account, i) =>
    account.regions
      .map((region, j) => ({ region, j }))
      .filter(({ region }) => !central.has(region))
      .map(({ region, j }) =>
        problem(
          `workloadAccounts[${i}].regions[${j}]`,
          region,
          `a region listed in securityAccount.regions (${[...central].join(', ')}): log destinations must be in the same region as the sending log groups; add ${region} to securityAccount.regions`,
        ),
      ),
  );
}

function s3KeyChoice(config: GuardrailsConfig): ConfigProblem[] {
  const s3 = config.s3;
  if (s3.encryption !== 'SSE_KMS') return [];
  const problems: ConfigProblem[] = [];
  if (!s3.kmsKey) {
    problems.push(
      problem(
        's3.kmsKey',
        undefined,
        'with s3.encryption "SSE_KMS", a key choice: { "source": "create" } to create the data key, or { "source": "import", "imports": [...] } to use existing keys',
      ),
    );
  }
  if (config.kms.keys.data) {
    problems.push(
      problem('kms.keys.data', config.kms.keys.data, 'no value when s3.encryption is "SSE_KMS": the data key is chosen by s3.kmsKey; remove kms.keys.data'),
    );
  }
  return problems;
}

/** The data key's source: s3.kmsKey under SSE_KMS, else kms.keys.data, else created. */
export function dataKeySource(config: GuardrailsConfig): KeySourceConfig {
  if (config.s3.encryption === 'SSE_KMS' && config.s3.kmsKey) return config.s3.kmsKey;
  return config.kms.keys.data ?? { source: 'create' };
}

function keyImports(config: GuardrailsConfig): ConfigProblem[] {
  const sources: Array<[string, KeySourceConfig | undefined]> = [
    [config.s3.encryption === 'SSE_KMS' ? 's3.kmsKey' : 'kms.keys.data', dataKeySource(config)],
    ['kms.keys.secrets', config.kms.keys.secrets],
    ['kms.keys.logs', config.kms.keys.logs],
  ];
  const locations = keyLocations(config);
  const configured = new Set(locations.map((l) => `${l.accountId}/${l.region}`));
  const problems: ConfigProblem[] = [];
  for (const [path, source] of sources) {
    if (!source || source.source !== 'import') continue;
    const covered = new Set<string>();
    source.imports.forEach((imp, i) => {
      const [, , , arnRegion, arnAccount] = imp.keyArn.split(':');
      const where = `${path}.imports[${i}]`;
      if (arnRegion !== imp.region || arnAccount !== imp.accountId) {
        problems.push(
          problem(
            `${where}.keyArn`,
            imp.keyArn,
            `a key in account ${imp.accountId} and region ${imp.region} (this ARN is in account ${arnAccount}, region ${arnRegion}); a key can only be used by stacks in its own account and region`,
          ),
        );
      }
      const location = `${imp.accountId}/${imp.region}`;
      if (!configured.has(location)) {
        problems.push(
          problem(
            where,
            { accountId: imp.accountId, region: imp.region },
            'an account and region this config deploys to (securityAccount or workloadAccounts, with one of their regions)',
          ),
        );
      }
      if (covered.has(location)) {
        problems.push(problem(where, { accountId: imp.accountId, region: imp.region }, 'one import per account and region (duplicate)'));
      }
      covered.add(location);
    });
    for (const l of locations) {
      if (!covered.has(`${l.accountId}/${l.region}`)) {
        problems.push(
          problem(
            `${path}.imports`,
            source.imports.map((imp) => `${imp.accountId}/${imp.region}`),
            `a key for every account and region that uses it: account ${l.accountId} in ${l.region} has none (add an import, or use { "source": "create" })`,
          ),
        );
      }
    }
  }
  return problems;
}

function backupRetention(config: GuardrailsConfig): ConfigProblem[] {
  const { retentionDays, vaultLock } = config.backup;
  if (vaultLock.mode === 'none') return [];
  const max = vaultLock.maxRetentionDays ?? Infinity;
  return retentionDays < vaultLock.minRetentionDays || retentionDays > max
    ? [
        problem(
          'backup.retentionDays',
          retentionDays,
          `a retention within the vault lock's bounds (${vaultLock.minRetentionDays}-${vaultLock.maxRetentionDays ?? 'no maximum'} days): the lock refuses recovery points outside them`,
        ),
      ]
    : [];
}

function crossAccountRoles(config: GuardrailsConfig): ConfigProblem[] {
  const environment = new Set([config.securityAccount.accountId, ...config.workloadAccounts.map((a) => a.accountId)]);
  return config.iam.crossAccountRoles.flatMap((role, i) => {
    const problems: ConfigProblem[] = [];
    if (role.roleChaining && role.maxSessionHours > 1) {
      problems.push(
        problem(`iam.crossAccountRoles[${i}].maxSessionHours`, role.maxSessionHours, '1 when roleChaining is true: AWS caps role-chained sessions at 1 hour'),
      );
    }
    // The SCPs govern every account of the environment (organizationPolicies.targets hold only
    // them) and deny assuming this role to all but the deployers and these roles (red7 R7-5): without
    // them, nobody of a trusted account of the environment could assume it.
    const governed = role.trustedAccountIds.filter((id) => environment.has(id));
    if (role.assumerRoleArns === undefined && governed.length > 0) {
      problems.push({
        path: `iam.crossAccountRoles[${i}].assumerRoleArns`,
        received: 'nothing (the field is missing)',
        expected: `the exact ARNs of the roles that assume ${role.name} (e.g. arn:aws:iam::${governed[0]}:role/<auditor>): its trusted account ${governed[0]} is an account of this environment, whose SCPs deny assuming ${role.name} to every other principal`,
      });
    }
    (role.assumerRoleArns ?? []).forEach((arn, j) => {
      const account = arn.split(':')[4];
      if (!role.trustedAccountIds.includes(account)) {
        problems.push(
          problem(
            `iam.crossAccountRoles[${i}].assumerRoleArns[${j}]`,
            arn,
            `a role of a trusted account (${role.trustedAccountIds.join(', ')}): the trust policy admits no other account`,
          ),
        );
      }
    });
    return problems;
  });
}

/**
 * The roles that assume the roles other accounts' principals assume into the workload accounts: each
 * cross-account role's `assumerRoleArns`, and `auditLogs.readers.principalArns` (the trail readers,
 * which exist with an audit replica region). The SCP `protect-cross-account-roles` protects them.
 */
export function assumerRoleArnsOf(config: GuardrailsConfig): string[] {
  const readers = config.auditLogs.replicaRegion !== undefined ? (config.auditLogs.readers?.principalArns ?? []) : [];
  return [...new Set([...readers, ...config.iam.crossAccountRoles.flatMap((r) => r.assumerRoleArns ?? [])])];
}

/**
 * The assumers (`iam.crossAccountRoles[].assumerRoleArns`, `auditLogs.readers.principalArns`) reach
 * every workload account's audit role and audit log files. Where the SCPs govern an assumer (a role of
 * the environment's accounts), they let only `iam.assumerEntryRoleArns` assume it (red9 R9-2): without
 * that list, whoever the assumer's own trust policy admits (often every admin of the security account)
 * would become the auditor.
 */
function assumerEntries(config: GuardrailsConfig): ConfigProblem[] {
  const environment = new Set([config.securityAccount.accountId, ...config.workloadAccounts.map((a) => a.accountId)]);
  const assumers = assumerRoleArnsOf(config);
  const governed = assumers.filter((arn) => environment.has(arn.split(':')[4]));
  const entries = config.iam.assumerEntryRoleArns;
  if (entries === undefined) {
    return governed.length === 0
      ? []
      : [
          {
            path: 'iam.assumerEntryRoleArns',
            received: 'nothing (the field is missing)',
            expected:
              `the exact ARNs of the roles that may assume ${governed.join(', ')} (e.g. the auditors' IAM Identity Center role ` +
              `arn:aws:iam::${governed[0].split(':')[4]}:role/aws-reserved/sso.amazonaws.com/<region>/AWSReservedSSO_<permission set>_<id>): ` +
              "the SCPs deny assuming an assumer to every other principal of the environment's accounts, so that no admin of that account becomes the auditor",
          },
        ];
  }
  const assumerAccounts = new Set(assumers.map((arn) => arn.split(':')[4]));
  return [
    ...federatedMfa(config, environment),
    ...entries.flatMap((arn, i) =>
      assumerAccounts.has(arn.split(':')[4])
        ? []
        : [
            problem(
              `iam.assumerEntryRoleArns[${i}]`,
              arn,
              `a role of an account of the assumers (${[...assumerAccounts].join(', ') || 'none: name assumerRoleArns or auditLogs.readers first'}): an assumer's SCP exception matters only in its own account`,
            ),
          ],
    ),
  ];
}

/**
 * red11 R11-3: an assumer that is a role of an environment account is assumed only from the entry
 * roles, and nobody assumes an entry role: they are reached by federation (IAM Identity Center, SAML),
 * whose sessions carry no `aws:MultiFactorAuthPresent` (AWS MFA applies to IAM users and their
 * sessions), nor do the sessions chained from them. An MFA condition on the roles they assume would
 * refuse every auditor; MFA is then the identity provider's to enforce. Assumption from AWS's
 * documentation and reports, not checked against an account.
 */
function federatedMfa(config: GuardrailsConfig, environment: Set<string>): ConfigProblem[] {
  const governed = (arns: readonly string[]) => arns.some((arn) => environment.has(arn.split(':')[4]));
  const expected =
    "false when the assumers are roles of this environment's accounts: the SCPs let only iam.assumerEntryRoleArns assume them, roles reached by federation " +
    '(IAM Identity Center, SAML), whose sessions carry no aws:MultiFactorAuthPresent, so the MFA condition would refuse every auditor. Enforce MFA in the identity provider';
  const problems = config.iam.crossAccountRoles.flatMap((role, i) =>
    role.requireMfa && governed(role.assumerRoleArns ?? []) ? [problem(`iam.crossAccountRoles[${i}].requireMfa`, true, expected)] : [],
  );
  const readers = config.auditLogs.readers;
  if (config.auditLogs.replicaRegion !== undefined && readers !== undefined && readers.requireMfa && governed(readers.principalArns)) {
    problems.push(problem('auditLogs.readers.requireMfa', true, expected));
  }
  return problems;
}

function productionLimits(config: GuardrailsConfig): ConfigProblem[] {
  if (!PRODUCTION_ENVIRONMENTS.includes(config.environment)) return [];
  const problems: ConfigProblem[] = [];
  if (config.removalPolicy !== 'retain') {
    problems.push(
      problem(
        'removalPolicy',
        config.removalPolicy,
        '"retain" in a production environment: keys, log groups, buckets and secrets must survive a stack deletion',
      ),
    );
  }
  config.workloadAccounts.forEach((account, i) =>
    account.apiKeys.forEach((key, j) => {
      if (apiKeyRegistrationHook(key) === undefined) {
        problems.push(
          problem(
            `workloadAccounts[${i}].apiKeys[${j}]`,
            key,
            '{ "name", "registrationHook": { "functionName", "roleName" } } in a production environment: a key that rotates without a hook changes a key no partner or client learns about, and their calls fail from the next rotation',
          ),
        );
      }
    }),
  );
  // The log classes' retention is the guarantee (audit 10 years, security 90 days, app 30 days): longer
  // is allowed, shorter is not in production (red15 R15-10: any CloudWatch Logs retention was accepted).
  for (const logClass of Object.keys(DEFAULT_RETENTION_DAYS) as Array<keyof typeof DEFAULT_RETENTION_DAYS>) {
    const days = config.logging.retentionDays[logClass];
    if (days < DEFAULT_RETENTION_DAYS[logClass]) {
      problems.push(
        problem(
          `logging.retentionDays.${logClass}`,
          days,
          `at least ${DEFAULT_RETENTION_DAYS[logClass]} days in a production environment (the retention of the ${logClass} log class)`,
        ),
      );
    }
  }
  for (const kind of Object.keys(DEFAULT_ROTATION_DAYS) as Array<keyof typeof DEFAULT_ROTATION_DAYS>) {
    const days = config.secrets.rotationDays[kind];
    if (days > PROD_MAX_ROTATION_DAYS[kind]) {
      problems.push(
        problem(
          `secrets.rotationDays.${kind}`,
          days,
          `at most ${PROD_MAX_ROTATION_DAYS[kind]} days in a production environment (the class limit for ${kind} secrets)`,
        ),
      );
    }
  }
  return problems;
}

/** The imported key ARN of each purpose for one account and region; undefined means "create the key". */
export interface KeyChoices {
  readonly data?: string;
  readonly secrets?: string;
  readonly logs?: string;
}

export function keyChoicesFor(config: GuardrailsConfig, accountId: string, region: string): KeyChoices {
  const arnOf = (source: KeySourceConfig): string | undefined =>
    source.source === 'import' ? source.imports.find((i) => i.accountId === accountId && i.region === region)?.keyArn : undefined;
  return { data: arnOf(dataKeySource(config)), secrets: arnOf(config.kms.keys.secrets), logs: arnOf(config.kms.keys.logs) };
}

/** Name of the bucket that receives the replicas of a workload account's trail buckets. */
export function auditReplicaBucketName(environment: string, accountId: string, region: string): string {
  return `${environment}-guardrails-audit-replica-${accountId}-${region}`;
}

function auditLogs(config: GuardrailsConfig): ConfigProblem[] {
  const { replicaRegion, objectLock } = config.auditLogs;
  const problems: ConfigProblem[] = [];
  if (objectLock.mode !== 'none' && config.removalPolicy === 'destroy' && objectLock.mode === 'compliance') {
    problems.push(
      problem(
        'auditLogs.objectLock.mode',
        objectLock.mode,
        '"governance" or "none" with removalPolicy "destroy": compliance-mode versions cannot be deleted before their retention ends, so the trail buckets could not be destroyed',
      ),
    );
  }
  // The readers are roles of the security account: the trust policy names that account.
  (config.auditLogs.readers?.principalArns ?? []).forEach((arn, i) => {
    if (arn.split(':')[4] !== config.securityAccount.accountId) {
      problems.push(
        problem(
          `auditLogs.readers.principalArns[${i}]`,
          arn,
          `a role of the security account (${config.securityAccount.accountId}): the reader roles trust that account only`,
        ),
      );
    }
  });
  if (replicaRegion === undefined) return problems;
  config.workloadAccounts.forEach((account, i) => {
    if (workloadStackRegions(account).includes(replicaRegion)) {
      problems.push(
        problem(
          'auditLogs.replicaRegion',
          replicaRegion,
          `a region where workloadAccounts[${i}] (${account.name}) has no stack (it has ${workloadStackRegions(account).join(', ')}): the replicas must survive the loss of the source region`,
        ),
      );
    }
    const name = auditReplicaBucketName(config.environment, account.accountId, replicaRegion);
    if (name.length > 63) {
      problems.push(
        problem(
          'auditLogs.replicaRegion',
          replicaRegion,
          `a shorter environment or region name: the replica bucket name ${name} is over the S3 limit of 63 characters`,
        ),
      );
    }
  });
  return problems;
}

/** The finding aggregator lives in the security account's first region and links others of its regions. */
function securityHubAggregation(config: GuardrailsConfig): ConfigProblem[] {
  const [home, ...others] = config.securityAccount.regions;
  const regions = config.securityHub.aggregationRegions;
  if (regions.length > 0 && !config.securityHub.enabled) {
    return [problem('securityHub.aggregationRegions', regions, 'an empty list while securityHub.enabled is false (there is no hub to aggregate into)')];
  }
  return regions.flatMap((region, i) =>
    others.includes(region) && regions.indexOf(region) === i
      ? []
      : [
          problem(
            `securityHub.aggregationRegions[${i}]`,
            region,
            `a region of securityAccount.regions other than ${home} (the aggregation region), each once: ${others.join(', ') || 'none'}`,
          ),
        ],
  );
}
