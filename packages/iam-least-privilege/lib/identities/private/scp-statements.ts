/** Statement builders and file output of ServiceControlPolicy, kept out of the class. */
import * as fs from 'fs';
import * as path from 'path';
import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ScpExemptionOptions, TaggedGuardrailResourcesProtectionOptions, UnencryptedS3WritesOptions } from '../service-control-policy-options';
import { exceptPrincipals } from './guardrail-statements';
import { ACCOUNT_BASELINE_TAMPER_ACTIONS, ROLE_MUTATION_ACTIONS } from './perms';
import { validateExactPrincipalArns, validateNonEmpty } from './validate';
import { propError } from '../../private/errors';

/** The validated exact exemptions of a deny-change SCP. */
export function exemptPrincipalArns(owner: string, options: ScpExemptionOptions): string[] {
  const arns = options.exemptPrincipalArns ?? [];
  validateExactPrincipalArns(owner, 'exemptPrincipalArns', arns);
  return arns;
}

/**
 * `DenyGuardrailLogForgery`: only the named writer roles create streams in, or put events into, the
 * log groups of `writerOnlyLogGroupPrefixes`.
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
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: prefixes.map((p) => `arn:*:logs:*:*:log-group:${p}*`),
    conditions: { ArnNotLike: { 'aws:PrincipalARN': writers.map((n) => `arn:*:iam::*:role/${n}`) } },
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
  const keyAccounts = options.kmsKeyAccountIds;
  if (keyAccounts !== undefined) {
    if (keyAccounts.length === 0) {
      throw propError(
        owner,
        'kmsKeyAccountIds',
        'an empty list',
        'the 12-digit ids of the accounts whose KMS keys may encrypt objects, or no kmsKeyAccountIds at all',
      );
    }
    keyAccounts.forEach((id, i) => {
      if (Token.isUnresolved(id) || !/^\d{12}$/.test(id)) {
        throw propError(owner, `kmsKeyAccountIds[${i}]`, JSON.stringify(id), 'a 12-digit AWS account id (SCPs are documents: no CDK token)');
      }
    });
    statements.push(
      new iam.PolicyStatement({
        sid: 'DenyS3PutWithForeignKmsKey',
        effect: iam.Effect.DENY,
        actions: ['s3:PutObject'],
        resources: ['*'],
        conditions: {
          StringNotLike: { 's3:x-amz-server-side-encryption-aws-kms-key-id': [...new Set(keyAccounts)].map((id) => `arn:*:kms:*:${id}:key/*`) },
          Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'false' },
        },
      }),
    );
  }
  return statements;
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
        actions: ['iam:CreateRole', ...ROLE_MUTATION_ACTIONS, 'sts:AssumeRole*'],
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
