import { addPrivateFunctionsNetwork, requirePrivateFunctions } from '@cdk-guardrails/app-kit';
import {
  guardrailAdministratorArns,
  GuardrailsConfig,
  keyAdministratorArns,
  privateNetworkFor,
  WorkloadAccountConfig,
  workloadTrailRegions,
} from '@cdk-guardrails/config';
import { Annotations, Duration, RemovalPolicy, Stack, StackProps, Tags } from 'aws-cdk-lib';
import { LogClass, TrailScope } from '@cdk-guardrails/central-logging';
import { PermissionsBoundary } from '@cdk-guardrails/iam-least-privilege';
import { EncryptedBackupPlan, PrivateNetwork, VaultLock } from '@cdk-guardrails/resilience';
import * as backup from 'aws-cdk-lib/aws-backup';
import { Construct } from 'constructs';
import { AccountIdentities, applyAccountBoundary } from './identities';
import { WorkloadRegionalBaseline } from './regional-baseline';
import { WorkloadSecrets } from './secrets';

export interface WorkloadGuardrailsStackProps extends StackProps {
  readonly config: GuardrailsConfig;
  readonly account: WorkloadAccountConfig;
  readonly region: string;
  /**
   * Only capture and ship IAM changes: the us-east-1 stack of an account whose own regions do
   * not include us-east-1 (IAM events reach EventBridge only there).
   */
  readonly captureOnly: boolean;
  /**
   * The account's home stack (its first region), which owns the account-wide IAM resources
   * (the permissions boundary, groups, cross-account roles).
   * @default - this stack is the home stack
   */
  readonly homeStack?: Stack;
}

/**
 * No dark region: each account's home stack runs its multi-region trail (the management events of
 * every region, enabled or not, and the global service events), delivered and shipped in the home
 * region. Assumption (data residency): management events of every region are stored in the home
 * region, as with Control Tower's organization trail; keep an account's home region in the
 * jurisdiction its records must stay in. Object-level events (object keys can be personal data) stay
 * in their region: the other regions get a data-events-only trail for their restricted data bucket
 * (config auditLogs.s3DataEvents), or no trail at all.
 */
function trailScopeOf(config: GuardrailsConfig, props: WorkloadGuardrailsStackProps): TrailScope {
  if (props.homeStack === undefined) return TrailScope.ALL_REGIONS;
  return workloadTrailRegions(config, props.account).includes(props.region) ? TrailScope.DATA_EVENTS_ONLY : TrailScope.NONE;
}

/**
 * The guardrails of one workload account in one region: the regional baseline (keys, boundary,
 * capture and shipping, bucket guard, data bucket, detective controls; regional-baseline.ts) and
 * what config sets up per account: the private network, the rotating secrets, the IAM identities
 * (global ones in the home stack), backups, the audit replica's reader.
 */
export class WorkloadGuardrailsStack extends WorkloadRegionalBaseline {
  /** Private subnets and endpoints of the rotation functions, in the network mode. */
  public readonly network?: PrivateNetwork;

  constructor(scope: Construct, id: string, props: WorkloadGuardrailsStackProps) {
    const { config, account, region } = props;
    super(scope, id, {
      ...props,
      env: { account: account.accountId, region },
      homeRegion: props.homeStack === undefined,
      trailScope: trailScopeOf(config, props),
      stackSetInstance: false,
      // Only the execution role of this region, the key admin and break-glass administer the keys.
      keyAdministratorArns: keyAdministratorArns(config, account.accountId, region),
      guardrailAdministratorArns: guardrailAdministratorArns(config, account.accountId),
      applyBoundary: (stack) => applyAccountBoundary(stack, config, props.homeStack),
    });
    const removalPolicy = this.removal;
    // The audit replica's reader (IAM is global): once per account, in its home stack.
    if (props.homeStack === undefined) this.securityLogging.addReplicaReader(config);
    if (props.captureOnly) return;

    // Network mode: the config loader made sure every account and region with functions has an entry.
    const networkEntry = privateNetworkFor(config, account.accountId, region);
    if (networkEntry) {
      this.useAvailabilityZones(networkEntry.vpc.availabilityZones);
      this.network = addPrivateFunctionsNetwork(this, 'Network', networkEntry, {
        waiver: { owner: config.compliance.waiverOwner, expires: config.compliance.waiverReviewBy },
        flowLogsKey: this.keys.logsKey,
        flowLogRetention: config.logging.retentionDays.security,
        removalPolicy,
      });
      requirePrivateFunctions(this, this.network);
    }

    const secrets = new WorkloadSecrets(this, 'Secrets', {
      secretsKey: this.keys.secretsKey,
      logsKey: this.keys.logsKey,
      settings: config.secrets,
      environment: config.environment,
      databases: account.databases.filter((db) => db.region === region),
      apiKeys: account.apiKeys,
      serviceTokens: account.serviceTokens,
      removalPolicy,
      network: this.network,
      rotationLogRetention: config.logging.retentionDays.security,
      administratorArns: guardrailAdministratorArns(config, account.accountId),
    });

    const identities = new AccountIdentities(this, 'Identities', {
      config,
      dataBucket: this.dataBucket!,
      dataKey: config.s3.encryption === 'SSE_KMS' ? this.keys.dataKey : undefined,
      logsKey: this.keys.logsKey,
      removalPolicy,
      home: props.homeStack === undefined,
    });
    if (config.backup.enabled) this.addBackupPlan(config, removalPolicy);
    // ...but the workload identities, which bounded admins pass (under principals.boundedRolePath).
    Tags.of(identities).remove(PermissionsBoundary.PROTECTED_TAG_KEY, { includeResourceTypes: ['AWS::IAM::Role'], priority: 200 });

    // Application log groups opt in to central shipping with an explicit class.
    const shipping = this.securityLogging.shipping;
    shipping.addLogGroup(identities.appLogGroup, { logClass: LogClass.APP });
    // The database and token rotations log what they do to the credentials: security class.
    for (const group of secrets.rotationLogGroups) shipping.addLogGroup(group, { logClass: LogClass.SECURITY });

    if (account.databases.some((db) => db.region === region)) {
      // The databases' VPCs are described by ids from config (no lookups); this stack adds no
      // routes, so their route table ids are not needed.
      Annotations.of(this).acknowledgeWarning(
        '@aws-cdk/aws-ec2:noSubnetRouteTableId',
        'imported database VPC: no routes or gateway endpoints are added to its route tables',
      );
    }
  }

  /** Daily backups of the data bucket into a vault encrypted with the data key (optionally locked). */
  private addBackupPlan(config: WorkloadGuardrailsStackProps['config'], removalPolicy: RemovalPolicy): void {
    const { retentionDays, vaultLock } = config.backup;
    const plan = new EncryptedBackupPlan(this, 'Backup', {
      encryptionKey: this.keys.dataKey,
      backupVaultName: `${config.environment}-guardrails`,
      retention: Duration.days(retentionDays),
      vaultLock:
        vaultLock.mode === 'none'
          ? undefined
          : VaultLock[vaultLock.mode]({
              minRetention: Duration.days(vaultLock.minRetentionDays),
              maxRetention: vaultLock.maxRetentionDays ? Duration.days(vaultLock.maxRetentionDays) : undefined,
            }),
      resources: [backup.BackupResource.fromArn(this.dataBucket!.bucketArn)],
      removalPolicy,
    });
    // The AWS Backup role reads and restores through AWS managed policies, outside the boundary's services.
    PermissionsBoundary.exempt(plan.role, 'AWS Backup service role: backup and restore through the AWS managed AWSBackupServiceRolePolicy* policies');
    // Identities inside the boundary cannot change it (no tampering with the backups' access).
    PermissionsBoundary.protectRole(plan.role);
    // ...nor can anyone but the deployers delete or rewrite the plan, its selections or the vault's
    // policy (SCP DenyTaggedGuardrailResourceChanges finds them by this tag: their ARNs carry ids; red14 R14-3).
    Tags.of(plan).add(PermissionsBoundary.PROTECTED_TAG_KEY, 'true', { includeResourceTypes: ['AWS::Backup::BackupPlan', 'AWS::Backup::BackupVault'] });
  }
}
