import * as fs from 'fs';
import * as path from 'path';
import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { GLOBAL_SERVICE_ACTIONS, LOG_SUBSCRIPTION_TAMPER_ACTIONS, LONG_TERM_CREDENTIAL_ACTIONS, SECURITY_SERVICE_TAMPER_ACTIONS } from './private/perms';

/**
 * Properties of a {@link ServiceControlPolicy}.
 */
export interface ServiceControlPolicyProps {
  /** Name of the SCP (also the file name): letters, digits, '-' and '_'. */
  readonly name: string;

  /**
   * Description to use when creating the SCP in AWS Organizations.
   *
   * @default - no description
   */
  readonly description?: string;

  /** The statements. They must be plain strings: an SCP lives outside CloudFormation. */
  readonly statements: iam.PolicyStatement[];
}

/**
 * Options shared by the SCPs that deny a change: principals allowed to make it anyway.
 */
export interface ScpExemptionOptions {
  /**
   * ARN patterns of principals the deny does not apply to (`ArnNotLike aws:PrincipalARN`), for
   * example the pipeline role that deploys the guardrail stacks:
   * 'arn:aws:iam::*:role/cdk-hnb659fds-cfn-exec-role-*'.
   *
   * @default - no exemption: nobody in the account can make the change, including the deploy role
   */
  readonly exemptPrincipalArnPatterns?: string[];
}

/**
 * Options of {@link ServiceControlPolicy.regionRestriction}.
 */
export interface RegionRestrictionOptions extends ScpExemptionOptions {
  /** The regions requests may target (for example ['eu-west-1', 'eu-central-1']). At least one. */
  readonly allowedRegions: string[];

  /**
   * Actions exempt from the restriction in addition to the global services' actions
   * (`ServiceControlPolicy.GLOBAL_SERVICE_ACTIONS`).
   *
   * @default - only the global services' actions
   */
  readonly additionalExemptActions?: string[];

  /**
   * Name of the SCP.
   *
   * @default 'region-restriction'
   */
  readonly name?: string;
}

/**
 * Options of {@link ServiceControlPolicy.protectSecurityServices}.
 */
export interface SecurityServicesProtectionOptions extends ScpExemptionOptions {
  /**
   * Name of the SCP.
   *
   * @default 'protect-security-services'
   */
  readonly name?: string;
}

/**
 * Options of {@link ServiceControlPolicy.denyLongTermCredentials}.
 */
export interface LongTermCredentialsOptions extends ScpExemptionOptions {
  /**
   * Name of the SCP.
   *
   * @default 'deny-long-term-credentials'
   */
  readonly name?: string;
}

/**
 * Options of {@link ServiceControlPolicy.denyUnencryptedS3Writes}.
 */
export interface UnencryptedS3WritesOptions {
  /**
   * Deny `s3:PutObject` requests that carry no `x-amz-server-side-encryption` header.
   *
   * Since 2023-01-05 S3 encrypts every new object (SSE-S3) even without the header, so this is a
   * statement of intent rather than the only protection; clients that rely on bucket default
   * encryption (no header) must be changed to send it before the SCP is attached.
   *
   * @default true
   */
  readonly requireEncryptionHeader?: boolean;

  /**
   * Accept only SSE-KMS (`aws:kms`, `aws:kms:dsse`) in the header, not SSE-S3 (`AES256`).
   *
   * @default false
   */
  readonly requireKms?: boolean;

  /**
   * Name of the SCP.
   *
   * @default 'deny-unencrypted-s3-writes'
   */
  readonly name?: string;
}

/**
 * Options of {@link ServiceControlPolicy.denyUnencryptedResourceCreation}.
 */
export interface UnencryptedResourceCreationOptions {
  /**
   * Name of the SCP.
   *
   * @default 'deny-unencrypted-resources'
   */
  readonly name?: string;
}

/**
 * A service control policy document generated in code, checked against the AWS Organizations
 * size limit (5,120 characters) and written as a JSON file at synth time. This library does not
 * create or attach SCPs (that needs the management account and an organization that config
 * names); see the README for how to attach the files.
 *
 * The size counts every character of the JSON as sent: the Organizations API (CLI, SDK) keeps
 * whitespace and counts it (only the console strips it), so the document is emitted and
 * measured minified.
 */
export class ServiceControlPolicy {
  /** AWS Organizations limit for an SCP document, in characters (whitespace included). */
  public static readonly MAX_CHARACTERS: number = 5120;

  /** Actions of global services that the region restriction never denies. */
  public static readonly GLOBAL_SERVICE_ACTIONS: string[] = [...GLOBAL_SERVICE_ACTIONS];

  /**
   * Deny every action outside the allowed regions (`aws:RequestedRegion`), except the actions of
   * global services (IAM, Organizations, STS, CloudFront, Route 53, support, billing ...), whose
   * single endpoint sits in us-east-1.
   */
  public static regionRestriction(options: RegionRestrictionOptions): ServiceControlPolicy {
    if (!options.allowedRegions || options.allowedRegions.length === 0) {
      throw new Error('allowedRegions: received an empty list; expected at least one region such as \'eu-west-1\'');
    }
    for (const r of options.allowedRegions) {
      if (!/^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/.test(r)) {
        throw new Error(`allowedRegions: received '${r}'; expected a region name such as 'eu-west-1'`);
      }
    }
    const exempt = [...GLOBAL_SERVICE_ACTIONS, ...(options.additionalExemptActions ?? [])];
    return new ServiceControlPolicy({
      name: options.name ?? 'region-restriction',
      description: `Deny requests outside ${options.allowedRegions.join(', ')} (global services exempt)`,
      statements: [new iam.PolicyStatement({
        sid: 'DenyOutsideAllowedRegions',
        effect: iam.Effect.DENY,
        notActions: exempt,
        resources: ['*'],
        conditions: {
          StringNotEquals: { 'aws:RequestedRegion': [...options.allowedRegions] },
          ...exemptionCondition(options),
        },
      })],
    });
  }

  /**
   * Deny disabling or changing the security services (CloudTrail, GuardDuty, Config, IAM Access
   * Analyzer, Security Hub), the log subscriptions and destinations, and leaving the organization.
   */
  public static protectSecurityServices(options: SecurityServicesProtectionOptions = {}): ServiceControlPolicy {
    return new ServiceControlPolicy({
      name: options.name ?? 'protect-security-services',
      description: 'Deny disabling or changing security services, log subscriptions, and leaving the organization',
      statements: [
        new iam.PolicyStatement({
          sid: 'DenySecurityServiceTampering',
          effect: iam.Effect.DENY,
          actions: [...SECURITY_SERVICE_TAMPER_ACTIONS, ...LOG_SUBSCRIPTION_TAMPER_ACTIONS],
          resources: ['*'],
          conditions: exemptionCondition(options),
        }),
        new iam.PolicyStatement({
          sid: 'DenyLeavingOrganization',
          effect: iam.Effect.DENY,
          actions: ['organizations:LeaveOrganization'],
          resources: ['*'],
        }),
      ],
    });
  }

  /**
   * Deny creating IAM access keys anywhere in the accounts: service identities are roles, humans
   * sign in through federation or the console with MFA.
   */
  public static denyLongTermCredentials(options: LongTermCredentialsOptions = {}): ServiceControlPolicy {
    return new ServiceControlPolicy({
      name: options.name ?? 'deny-long-term-credentials',
      description: 'Deny creating IAM access keys (service identities are roles only)',
      statements: [new iam.PolicyStatement({
        sid: 'DenyAccessKeyCreation',
        effect: iam.Effect.DENY,
        actions: [...LONG_TERM_CREDENTIAL_ACTIONS],
        resources: ['*'],
        conditions: exemptionCondition(options),
      })],
    });
  }

  /**
   * Deny S3 writes over plain HTTP and (by default) without a server-side encryption header;
   * optionally require SSE-KMS.
   */
  public static denyUnencryptedS3Writes(options: UnencryptedS3WritesOptions = {}): ServiceControlPolicy {
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
      statements.push(new iam.PolicyStatement({
        sid: 'DenyS3PutWithoutEncryptionHeader',
        effect: iam.Effect.DENY,
        actions: ['s3:PutObject'],
        resources: ['*'],
        conditions: { Null: { 's3:x-amz-server-side-encryption': 'true' } },
      }));
    }
    if (options.requireKms) {
      statements.push(new iam.PolicyStatement({
        sid: 'DenyS3PutWithoutKms',
        effect: iam.Effect.DENY,
        actions: ['s3:PutObject'],
        resources: ['*'],
        conditions: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption': ['aws:kms', 'aws:kms:dsse'] } },
      }));
    }
    return new ServiceControlPolicy({
      name: options.name ?? 'deny-unencrypted-s3-writes',
      description: 'Deny S3 writes without TLS or without server-side encryption',
      statements,
    });
  }

  /**
   * Deny creating unencrypted resources where AWS offers a condition key for it: EBS volumes
   * (`ec2:Encrypted`, also on RunInstances), turning off EBS encryption by default, RDS instances
   * and clusters (`rds:StorageEncrypted`), EFS file systems (`elasticfilesystem:Encrypted`) and
   * ElastiCache replication groups (`elasticache:AtRestEncryptionEnabled`).
   *
   * `Bool ... false` only matches when the request states "not encrypted"; a request that omits
   * the parameter is governed by the service default (EBS: the account's encryption-by-default
   * setting, which this SCP stops anyone from turning off).
   */
  public static denyUnencryptedResourceCreation(options: UnencryptedResourceCreationOptions = {}): ServiceControlPolicy {
    return new ServiceControlPolicy({
      name: options.name ?? 'deny-unencrypted-resources',
      description: 'Deny creating unencrypted EBS, RDS, EFS and ElastiCache resources',
      statements: [
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
          actions: ['rds:CreateDBInstance', 'rds:CreateDBCluster'],
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
      ],
    });
  }

  /**
   * Write each policy as `<directory>/<name>.json` (minified, exactly the checked content) and
   * return the paths. Call it after `app.synth()`, for example with
   * `path.join(assembly.directory, 'scp')`.
   */
  public static writeFiles(directory: string, policies: ServiceControlPolicy[]): string[] {
    const names = policies.map((p) => p.name);
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) {
      throw new Error(`policies: the name '${duplicate}' is used twice; each SCP needs its own name (it is the file name)`);
    }
    fs.mkdirSync(directory, { recursive: true });
    return policies.map((p) => {
      const file = path.join(directory, `${p.name}.json`);
      fs.writeFileSync(file, p.toJson());
      return file;
    });
  }

  /** Name of the SCP (also its file name). */
  public readonly name: string;

  /** Description to use when creating the SCP. */
  public readonly description?: string;

  /** Characters of the minified document (what Organizations counts). */
  public readonly sizeInCharacters: number;

  private readonly json: string;

  constructor(props: ServiceControlPolicyProps) {
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(props.name)) {
      throw new Error(`name: received '${props.name}'; expected 1-128 letters, digits, '-' or '_' (it becomes a file name)`);
    }
    if (!props.statements || props.statements.length === 0) {
      throw new Error(`statements: received an empty list for SCP '${props.name}'; expected at least one statement`);
    }
    const document = {
      Version: '2012-10-17',
      Statement: props.statements.map((s) => s.toStatementJson()),
    };
    const json = JSON.stringify(document);
    if (Token.isUnresolved(json)) {
      throw new Error(`statements: SCP '${props.name}' contains a CDK token (a reference or pseudo parameter); SCPs live outside CloudFormation, use plain strings`);
    }
    if (json.length > ServiceControlPolicy.MAX_CHARACTERS) {
      throw new Error(`SCP '${props.name}' is ${json.length} characters minified; the AWS Organizations limit is ${ServiceControlPolicy.MAX_CHARACTERS}. Split it or drop statements.`);
    }
    this.name = props.name;
    this.description = props.description;
    this.sizeInCharacters = json.length;
    this.json = json;
  }

  /** The policy as minified JSON: the exact content to send to AWS Organizations. */
  public toJson(): string {
    return this.json;
  }
}

function exemptionCondition(options: ScpExemptionOptions): Record<string, Record<string, string[]>> {
  const patterns = options.exemptPrincipalArnPatterns ?? [];
  for (const p of patterns) {
    if (!/^arn:[a-z*-]+:(iam|sts)::[0-9*]{1,12}:\S+$/.test(p)) {
      throw new Error(`exemptPrincipalArnPatterns: received '${p}'; expected an IAM role or user ARN pattern such as 'arn:aws:iam::*:role/deploy-*'`);
    }
  }
  return patterns.length > 0 ? { ArnNotLike: { 'aws:PrincipalARN': patterns } } : {};
}
