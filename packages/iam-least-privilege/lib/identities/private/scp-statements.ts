/** Statement builders and file output of ServiceControlPolicy, kept out of the class. */
import * as fs from 'fs';
import * as path from 'path';
import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ScpExemptionOptions, TaggedGuardrailResourcesProtectionOptions, UnencryptedS3WritesOptions } from '../service-control-policy-options';
import { exceptPrincipals } from './guardrail-statements';
import { ACCOUNT_BASELINE_TAMPER_ACTIONS, LOG_RECORD_WRITE_ACTIONS, PROTECTED_ROLE_ACTIONS } from './perms';
import { validateNonEmpty, validateScpPrincipalArns } from './validate';
import { propError } from '../../private/errors';

/** The validated exact exemptions of a deny-change SCP. */
export function exemptPrincipalArns(owner: string, options: ScpExemptionOptions): string[] {
  const arns = options.exemptPrincipalArns ?? [];
  validateScpPrincipalArns(owner, 'exemptPrincipalArns', arns);
  return arns;
}

/**
 * `DenyGuardrailLogForgery`: only the named writer roles create streams in, put events into, mask or
 * transform the records of the log groups of `writerOnlyLogGroupPrefixes`. A data protection policy
 * masks what the subscription filters ship, a transformer rewrites it first (red14 R14-5: the log
 * admin, outside the boundary and exempt from the resource statement, could mask the audit events
 * before the central store kept them for ten years). Deleting either only restores the records.
 */
export function guardrailLogWriterStatement(owner: string, options: TaggedGuardrailResourcesProtectionOptions): iam.PolicyStatement | undefined {
  const prefixes = options.writerOnlyLogGroupPrefixes ?? [];
  const writers = options.logWriterRoleNames ?? [];
  if (prefixes.length === 0) {
    if (writers.length > 0) {
      throw propError(
        owner,
        'logWriterRoleNames',
        `${JSON.stringify(writers)} without writerOnlyLogGroupPrefixes`,
        "the log group name prefixes they write (such as '/guardrails/audit/'), or no logWriterRoleNames",
      );
    }
    return undefined;
  }
  prefixes.forEach((p, i) => {
    if (!/^\/[\w./#-]{0,510}\/$/.test(p)) {
      throw propError(
        owner,
        `writerOnlyLogGroupPrefixes[${i}]`,
        `'${p}'`,
        "a log group name prefix that starts and ends with '/' (letters, digits, '_-./#'), such as '/guardrails/audit/'",
      );
    }
  });
  validateNonEmpty(
    owner,
    'logWriterRoleNames',
    writers,
    "the names of the roles that write those log groups (the CloudTrail logs role, the central forwarder's role), or no writerOnlyLogGroupPrefixes: without a writer nothing could log there",
  );
  writers.forEach((n, i) => {
    if (!/^[\w+=,.@*-]{1,64}$/.test(n) || /^[*]+$/.test(n)) {
      throw propError(
        owner,
        `logWriterRoleNames[${i}]`,
        `'${n}'`,
        "a role name or a name pattern with '*' (1 to 64 of letters, digits, '+=,.@_-'; no path, not only '*')",
      );
    }
  });
  return new iam.PolicyStatement({
    sid: 'DenyGuardrailLogForgery',
    effect: iam.Effect.DENY,
    actions: [...LOG_RECORD_WRITE_ACTIONS],
    resources: prefixes.map((p) => `arn:*:logs:*:*:log-group:${p}*`),
    conditions: { ArnNotLike: { 'aws:PrincipalARN': writers.map((n) => `arn:*:iam::*:role/${n}`) } },
  });
}

/**
 * `DenyLogWriterRoleChanges`: the writer names are an exemption of `DenyGuardrailLogForgery` in every
 * account, so nobody but the administrators (the execution roles that create the writer roles,
 * break-glass) creates, changes, passes or assumes a role of those names: whoever could would write
 * forged records as a writer. (A bounded admin cannot anyway: its roles live under the boundary's
 * role path; this holds every other principal of the organization.) The services that use the roles
 * (Lambda, CloudTrail) assume them as service principals, which SCPs do not govern.
 */
export function logWriterRoleStatement(writerNames: readonly string[], administratorArns: readonly string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DenyLogWriterRoleChanges',
    effect: iam.Effect.DENY,
    actions: [...PROTECTED_ROLE_ACTIONS],
    resources: writerNames.map((n) => `arn:*:iam::*:role/${n}`),
    conditions: exceptPrincipals(administratorArns),
  });
}

/** The statements of `denyUnencryptedS3Writes`. */
export function unencryptedS3WriteStatements(owner: string, options: UnencryptedS3WritesOptions): iam.PolicyStatement[] {
  const statements = [
    new iam.PolicyStatement({
      sid: 'DenyS3WritesWithoutTls',
      effect: iam.Effect.DENY,
      actions: ['s3:PutObject'],
      resources: ['*'],
      conditions: { Bool: { 'aws:SecureTransport': 'false' } },
    }),
  ];
  if (options.requireEncryptionHeader ?? true) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'DenyS3PutWithoutEncryptionHeader',
        effect: iam.Effect.DENY,
        actions: ['s3:PutObject'],
        resources: ['*'],
        conditions: { Null: { 's3:x-amz-server-side-encryption': 'true' } },
      }),
    );
  }
  if (options.denySseC ?? true) {
    statements.push(
      new iam.PolicyStatement({
        // SSE-C: the caller holds the only key. Ransomware re-writes objects with a key of its own.
        sid: 'DenyS3PutWithSseC',
        effect: iam.Effect.DENY,
        actions: ['s3:PutObject'],
        resources: ['*'],
        conditions: { Null: { 's3:x-amz-server-side-encryption-customer-algorithm': 'false' } },
      }),
    );
  }
  if (options.requireKms) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'DenyS3PutWithoutKms',
        effect: iam.Effect.DENY,
        actions: ['s3:PutObject'],
        resources: ['*'],
        conditions: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption': ['aws:kms', 'aws:kms:dsse'] } },
      }),
    );
  }
  if (options.kmsKeyAccountIds !== undefined) {
    statements.push(...foreignKmsKeyStatements(validatedKeyAccounts(owner, options.kmsKeyAccountIds, 'or no kmsKeyAccountIds at all')));
  }
  return statements;
}

/** `kmsKeyAccountIds`, checked (12-digit ids, at least one), without duplicates, sorted. */
export function validatedKeyAccounts(owner: string, keyAccounts: string[], orNone: string): string[] {
  if (keyAccounts.length === 0) {
    throw propError(owner, 'kmsKeyAccountIds', 'an empty list', `the 12-digit ids of the accounts whose KMS keys may encrypt objects, ${orNone}`);
  }
  keyAccounts.forEach((id, i) => {
    if (Token.isUnresolved(id) || !/^\d{12}$/.test(id)) {
      throw propError(owner, `kmsKeyAccountIds[${i}]`, JSON.stringify(id), 'a 12-digit AWS account id (SCPs are documents: no CDK token)');
    }
  });
  return [...new Set(keyAccounts)].sort();
}

/** Characters of one foreign-key statement above which it is split (about 150 accounts; a document holds 5,120). */
export const FOREIGN_KEY_STATEMENT_BUDGET = 5000;
const KEY_ID = 's3:x-amz-server-side-encryption-aws-kms-key-id';
const keyArn = (accountPattern: string) => `arn:*:kms:*:${accountPattern}:key/*`;
/** The account ids that end with `suffix`, as a pattern: '?' for each leading digit. */
const endingWith = (suffix: string) => `${'?'.repeat(12 - suffix.length)}${suffix}`;

function foreignKeyStatement(sid: string, suffixes: string[] | undefined, accounts: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid,
    effect: iam.Effect.DENY,
    actions: ['s3:PutObject'],
    resources: ['*'],
    conditions: {
      ...(suffixes !== undefined ? { StringLike: { [KEY_ID]: suffixes.map((x) => keyArn(endingWith(x))) } } : {}),
      ...(accounts.length > 0 ? { StringNotLike: { [KEY_ID]: accounts.map(keyArn) } } : {}),
      Null: { [KEY_ID]: 'false' },
    },
  });
}

const sizeOf = (s: iam.PolicyStatement) => JSON.stringify(s.toStatementJson()).length;

/**
 * `DenyS3PutWithForeignKmsKey`: a key named in the request must be a key ARN of one of `accounts`.
 * One statement while it fits `FOREIGN_KEY_STATEMENT_BUDGET`. Beyond, the same deny split so that
 * it can spread over documents (a list in one statement cannot be: two `StringNotLike` halves would
 * each deny the other's keys): one statement per last digit of the account id (then the last two
 * digits, and so on, while a group does not fit; account ids end evenly, sequential ones too),
 * denying the keys whose account ends so but for those of its accounts; one denying every ending
 * none of the accounts has; one denying a key that is no key ARN (`DenyS3PutWithNonArnKmsKey`: a
 * key id, an alias). A key ARN holds one 12-digit account, which ends with exactly one of the
 * endings, so together they deny exactly what the single statement denies.
 */
export function foreignKmsKeyStatements(accounts: string[]): iam.PolicyStatement[] {
  const single = foreignKeyStatement('DenyS3PutWithForeignKmsKey', undefined, accounts);
  if (sizeOf(single) <= FOREIGN_KEY_STATEMENT_BUDGET) return [single];
  const groups: iam.PolicyStatement[] = [];
  const unused: string[] = [];
  const split = (suffix: string, ids: string[]) => {
    for (let d = 0; d <= 9; d++) {
      const x = `${d}${suffix}`;
      const sub = ids.filter((id) => id.endsWith(x));
      if (sub.length === 0) {
        unused.push(x);
        continue;
      }
      const statement = foreignKeyStatement(`DenyS3PutWithForeignKmsKey${x}`, [x], sub);
      // A 12-digit ending is one account: it always fits.
      if (sizeOf(statement) <= FOREIGN_KEY_STATEMENT_BUDGET || x.length === 12) groups.push(statement);
      else split(x, sub);
    }
  };
  split('', accounts);
  const out = [
    new iam.PolicyStatement({
      sid: 'DenyS3PutWithNonArnKmsKey',
      effect: iam.Effect.DENY,
      actions: ['s3:PutObject'],
      resources: ['*'],
      conditions: { StringNotLike: { [KEY_ID]: keyArn('*') }, Null: { [KEY_ID]: 'false' } },
    }),
    ...groups,
  ];
  // The endings none of the accounts has, in statements that fit the budget.
  for (let i = 0; i < unused.length;) {
    let n = unused.length - i;
    while (n > 1 && sizeOf(foreignKeyStatement('DenyS3PutWithKmsKeyOfOtherAccounts', unused.slice(i, i + n), [])) > FOREIGN_KEY_STATEMENT_BUDGET)
      n = Math.ceil(n / 2);
    out.push(foreignKeyStatement(`DenyS3PutWithKmsKeyOfOtherAccounts${i === 0 ? '' : i}`, unused.slice(i, i + n), []));
    i += n;
  }
  return out;
}
/**
 * The statements of `requireImdsV2`: new instances only with IMDSv2 (`ec2:MetadataHttpTokens`
 * `required`), and nobody but the exempt principals changes an instance's metadata options.
 */
export function imdsV2Statements(exempt: string[]): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'DenyRunInstancesWithoutImdsV2',
      effect: iam.Effect.DENY,
      actions: ['ec2:RunInstances'],
      resources: ['arn:*:ec2:*:*:instance/*'],
      conditions: { StringNotEquals: { 'ec2:MetadataHttpTokens': 'required' } },
    }),
    new iam.PolicyStatement({
      sid: 'DenyInstanceMetadataOptionChanges',
      effect: iam.Effect.DENY,
      actions: ['ec2:ModifyInstanceMetadataOptions'],
      resources: ['*'],
      conditions: exceptPrincipals(exempt),
    }),
  ];
}

/**
 * The statements of `protectAccountBaseline`. `DenyAccountBaselineChanges`: the actions the
 * permissions boundary also denies (`ACCOUNT_BASELINE_TAMPER_ACTIONS`; `ec2:DisableEbsEncryptionByDefault`
 * is in it although `denyUnencryptedResourceCreation` denies it to everyone: this SCP must hold on its
 * own), but for the exempt principals and the settings roles. `DenyAccountSettingsRoleChanges`: an
 * exemption is only as strong as its role, so nobody but the exempt principals creates, changes,
 * passes or assumes the settings roles (whoever could pass one to a function of their own would
 * change the baseline as that role).
 */
export function accountBaselineStatements(exempt: string[], settingsRoles: string[]): iam.PolicyStatement[] {
  const statements = [
    new iam.PolicyStatement({
      sid: 'DenyAccountBaselineChanges',
      effect: iam.Effect.DENY,
      actions: [...ACCOUNT_BASELINE_TAMPER_ACTIONS],
      resources: ['*'],
      conditions: exceptPrincipals([...exempt, ...settingsRoles]),
    }),
  ];
  if (settingsRoles.length > 0) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'DenyAccountSettingsRoleChanges',
        effect: iam.Effect.DENY,
        actions: [...PROTECTED_ROLE_ACTIONS],
        resources: settingsRoles,
        conditions: exceptPrincipals(exempt),
      }),
    );
  }
  return statements;
}

/** The statements of `denyUnencryptedResourceCreation`. */
export function unencryptedResourceStatements(): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'DenyUnencryptedEbsVolumes',
      effect: iam.Effect.DENY,
      actions: ['ec2:CreateVolume'],
      resources: ['*'],
      conditions: { Bool: { 'ec2:Encrypted': 'false' } },
    }),
    new iam.PolicyStatement({
      sid: 'DenyInstancesWithUnencryptedVolumes',
      effect: iam.Effect.DENY,
      actions: ['ec2:RunInstances'],
      resources: ['arn:*:ec2:*:*:volume/*'],
      conditions: { Bool: { 'ec2:Encrypted': 'false' } },
    }),
    new iam.PolicyStatement({
      sid: 'DenyDisablingEbsEncryptionByDefault',
      effect: iam.Effect.DENY,
      actions: ['ec2:DisableEbsEncryptionByDefault'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'DenyUnencryptedRds',
      effect: iam.Effect.DENY,
      // Only the cluster calls carry rds:StorageEncrypted (Service Authorization Reference):
      // CreateDBInstance, restores from snapshots and read replicas do not, so an SCP cannot
      // require encryption for them (test/identities/scp-condition-keys.test.ts). Detect them
      // with the AWS Config rule rds-storage-encrypted, or prevent them at deploy time with a
      // proactive control (Control Tower CT.RDS.PR.16).
      actions: ['rds:CreateDBCluster', 'rds:RestoreDBClusterFromS3'],
      resources: ['*'],
      conditions: { Bool: { 'rds:StorageEncrypted': 'false' } },
    }),
    new iam.PolicyStatement({
      sid: 'DenyUnencryptedEfs',
      effect: iam.Effect.DENY,
      actions: ['elasticfilesystem:CreateFileSystem'],
      resources: ['*'],
      conditions: { Bool: { 'elasticfilesystem:Encrypted': 'false' } },
    }),
    new iam.PolicyStatement({
      sid: 'DenyUnencryptedElastiCache',
      effect: iam.Effect.DENY,
      actions: ['elasticache:CreateReplicationGroup'],
      resources: ['*'],
      conditions: { Bool: { 'elasticache:AtRestEncryptionEnabled': 'false' } },
    }),
  ];
}

/** `ServiceControlPolicy.writeFiles`: each policy as `<directory>/<name>.json`, names unique. */
export function writePolicyFiles(owner: string, directory: string, policies: { readonly name: string; toJson(): string }[]): string[] {
  const names = policies.map((p) => p.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) {
    throw propError(owner, 'policies', `the name '${duplicate}' twice`, 'each SCP with its own name (it is the file name)');
  }
  fs.mkdirSync(directory, { recursive: true });
  return policies.map((p) => {
    const file = path.join(directory, `${p.name}.json`);
    fs.writeFileSync(file, p.toJson());
    return file;
  });
}
