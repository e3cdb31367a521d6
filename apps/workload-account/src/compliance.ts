/**
 * The compliance gate of the workload app: the cdk-nag packs (AwsSolutions, NIST 800-53 R5,
 * PCI DSS 3.2.1, HIPAA Security) and the project's Guardrails pack run as validation plugins
 * at every synth; a finding that is not acknowledged here fails synth. Every acknowledgement
 * names the construct (path inside each workload stack) and a specific reason.
 */
import {
  accessLogBucketAcknowledgements,
  accountBaselineAcknowledgements,
  Acknowledgement,
  addComplianceGate as addGate,
  controlTowerRuleId as ct,
  detectiveControlsAcknowledgements,
  logClassRetentionAcknowledgements,
  logicalIdAt,
  packRuleIds as packs,
  permissionsBoundaryAcknowledgement,
  privateNetworkAcknowledgements,
  resourceAt,
} from '@cdk-guardrails/app-kit';
import { apiKeyName, apiKeyRegistrationHook, auditReplicaBucketName, GuardrailsConfig } from '@cdk-guardrails/config';
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DATA_NONCURRENT_DAYS } from './regional-baseline';

/** The acknowledged findings of the workload stacks, for one environment. */
export function workloadAcknowledgements(config: GuardrailsConfig): Acknowledgement[] {
  const acks: Acknowledgement[] = [
    // Buckets: Object Lock (config auditLogs.objectLock, none outside prod) and replication.
    ...(config.auditLogs.objectLock.mode === 'none'
      ? [
          {
            path: 'SecurityLogging/TrailBucket/Resource',
            ids: [ct('CT.S3.PR.9')],
            reason: `config/${config.environment}.json auditLogs.objectLock.mode is none in this environment (Object Lock is for the environments that keep real evidence, prod); only the guardrail administrators may delete its objects or change it (ProtectLogObjects, ProtectBucketConfiguration)`,
          },
        ]
      : []),
    // With config.auditLogs.replicaRegion the trail bucket replicates (see the audit-log block below).
    ...(config.auditLogs.replicaRegion === undefined ? ['SecurityLogging/TrailBucket/Resource'] : []).map((path) => ({
      path,
      ids: packs('S3BucketReplicationEnabled'),
      reason:
        'single-region by design (a KMS key cannot be used outside its region); the audit copy that must survive is the central one: CloudTrail and Config findings are shipped to the security account log groups (audit class, 10 years)',
    })),
    {
      path: 'DataBucket/Resource',
      ids: packs('S3BucketReplicationEnabled'),
      reason:
        'the data bucket holds workload data whose replication target (region, account) is a workload decision that the config does not name; the guardrail here is encryption and TLS, enforced by the bucket policy',
    },
    // Rotation functions of API keys and service tokens (secrets-rotation).
    // Without the network mode (config network.privateFunctions) the rotation functions run outside a VPC.
    ...(config.network.privateFunctions.enabled
      ? []
      : [
          // The token rotations (the database rotations always run in the database's VPC).
          ...tokenRotationPaths(config).map((path) => ({
            path: `Secrets/${path}/RotationFunction/Resource`,
            ids: [...packs('LambdaInsideVPC'), ct('CT.LAMBDA.PR.3')],
            reason:
              'network.privateFunctions is off in this environment: the token rotation function calls only the Secrets Manager API (generate, put, label) and reaches no VPC resource; turn the network mode on to run it in private subnets behind VPC endpoints',
          })),
        ]),
    {
      path: 'Secrets/*/RotationFunction/Resource',
      ids: packs('LambdaDLQ', ['NIST.800.53.R5', 'HIPAA.Security']),
      reason:
        'Secrets Manager invokes the rotation steps itself and records a failed rotation on the secret (RotationFailed event, AWSCURRENT unchanged) and retries at the next window; a DLQ would hold only the step name and secret ARN',
    },
    {
      path: 'Secrets/*/RotationFunctionRole/DefaultPolicy/Resource',
      idsForStack: (stack: Stack) => [
        'AwsSolutions-IAM5[Resource::*]',
        // Multi-user database rotation: decrypt the superuser's secret through Secrets Manager.
        ...(config.workloadAccounts.some(
          (a) => a.accountId === stack.account && a.databases.some((db) => db.region === stack.region && db.masterSecretArn !== undefined),
        )
          ? [`AwsSolutions-IAM5[Resource::arn:aws:kms:${stack.region}:${stack.account}:key/*]`]
          : []),
      ],
      reason:
        'Resource "*" where IAM takes no other: secretsmanager:GetRandomPassword, and (a function in a VPC: the database rotations, and the token rotations in the network mode) the EC2 network-interface actions Lambda manages the function\'s interfaces with (the Describe actions have no resource-level permissions). A multi-user database rotation decrypts with any key of its account and region, but only through Secrets Manager and only for the superuser\'s secret (kms:ViaService, kms:EncryptionContext:SecretARN). Every other statement is scoped to the one secret and its key',
    },
    // AWS Backup service role (resilience EncryptedBackupPlan), present where config.backup.enabled.
    // Its opt-out of the boundary (PermissionsBoundary.exempt in guardrails-stack.ts) carries its reason: the Guardrails pack reads it.
    {
      path: 'Backup/Role/Resource',
      ids: [
        'AWSBackupServiceRolePolicyForS3Backup',
        'AWSBackupServiceRolePolicyForS3Restore',
        'service-role/AWSBackupServiceRolePolicyForBackup',
        'service-role/AWSBackupServiceRolePolicyForRestores',
      ].map((name) => `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${name}]`),
      reason:
        'the AWS-maintained backup and restore policies AWS Backup documents for its service role (including the S3 ones for the data bucket); a hand-written copy would fall behind the services AWS Backup supports',
    },
    permissionsBoundaryAcknowledgement(),
    // The account settings function of the regional stacks (config accountBaseline).
    ...accountBaselineAcknowledgements(config),
    ...accessLogBucketAcknowledgements(),
    // Control Tower: the mission's log classes keep security logs 90 days and app logs 30 days.
    ...logClassRetentionAcknowledgements(config, [
      { path: 'SecurityLogging/Capture/SecurityLogGroup/Resource', logClass: 'security' },
      { path: 'Identities/AppLogGroup/Resource', logClass: 'app' },
      // VPC flow logs of the network mode, and the database rotations' logs (shipped), are security class.
      { path: 'Network/FlowLogGroup/Resource', logClass: 'security' },
      ...[...new Set(config.workloadAccounts.flatMap((a) => a.databases.map((db) => db.name)))].map((name) => ({
        path: `Secrets/${name}-Credentials/RotationFunctionLogs/Resource`,
        logClass: 'security' as const,
      })),
    ]),
    ...(config.s3.dataBucketObjectLock
      ? []
      : [
          {
            path: 'DataBucket/Resource',
            ids: [ct('CT.S3.PR.9')],
            reason: `config/${config.environment}.json leaves s3.dataBucketObjectLock off in this environment (Object Lock can never be switched off again; prod turns it on); versioning keeps every replaced or deleted version for ${DATA_NONCURRENT_DAYS} days`,
          },
        ]),
    // Control Tower CT.S3.PR.10 (SSE-KMS on every bucket) where this environment chose SSE-S3 for its data.
    {
      path: 'DataBucket/Resource',
      idsForStack: (stack: Stack) => (sseAlgorithmAt(stack, 'DataBucket/Resource') === 'AES256' ? [ct('CT.S3.PR.10')] : []),
      reason: `config/${config.environment}.json s3.encryption is SSE_S3 in this environment: the data bucket is encrypted with S3 managed keys and its policy rejects any other encryption; SSE_KMS (with the data key) is the choice of the environments that hold real data`,
    },
    // AWS Config recorder and bucket (detective-controls): shared with the security account.
    ...detectiveControlsAcknowledgements(),
  ];
  // Audit-log replication (config.auditLogs.replicaRegion): the replica stack and the trail buckets' replication role.
  const replicaRegion = config.auditLogs.replicaRegion;
  if (replicaRegion !== undefined) {
    acks.push(
      {
        path: 'AuditReplicaBucket/Resource',
        ids: packs('S3BucketReplicationEnabled'),
        reason: `this bucket is itself the second-region copy of the trail buckets (config/${config.environment}.json auditLogs.replicaRegion ${replicaRegion}); replicating the replica would add a third copy, and the central copy of every trail event is in the security account (audit class, 10 years)`,
      },
      {
        path: 'SecurityLogging/TrailReplicationRole/DefaultPolicy/Resource',
        idsForStack: (stack: Stack) => {
          const bucketId = logicalIdAt(stack, 'SecurityLogging/TrailBucket/Resource', 'TrailBucket');
          return [
            `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`,
            `AwsSolutions-IAM5[Resource::arn:aws:s3:::${auditReplicaBucketName(config.environment, stack.account, replicaRegion)}/*]`,
            `AwsSolutions-IAM5[Resource::arn:aws:kms:${replicaRegion}:${stack.account}:key/*]`,
          ];
        },
        reason:
          "S3 replication role (s3-encryption EncryptedBucket): reads the object versions of this one trail bucket and writes replicas into the one replica bucket (object ARNs need /*); the replica key is created in the replica region's stack, so it is named by alias: kms:Encrypt/GenerateDataKey on keys of that account and region only with kms:ResourceAliases = the replica alias and kms:ViaService = S3 of that region",
      },
      {
        path: 'SecurityLogging/TrailReplicationRole/DefaultPolicy/Resource',
        ids: packs('IAMNoInlinePolicy'),
        reason:
          "CDK grant policy attached to exactly one role (the trail bucket's replication role) and scoped to that bucket, the replica bucket and the two keys; inline keeps it deleted with the role and never reused by another principal",
      },
    );
  }
  // IAM examples and human guardrails (identities.ts).
  acks.push(
    {
      path: 'Identities/DataReader/DefaultPolicy/Resource',
      idsForStack: (stack: Stack) => {
        const bucket = resourceAt(stack, 'DataBucket/Resource');
        return bucket ? [`AwsSolutions-IAM5[Resource::<${stack.resolve(bucket.logicalId)}.Arn>/*]`] : [];
      },
      reason:
        'read-only access to the objects of the one data bucket: object ARNs need the /* suffix; actions are s3:GetObject-class reads only (S3ReadOnlyRole)',
    },
    {
      path: 'Identities/ConsoleMfa/Resource',
      ids: ['AwsSolutions-IAM5[Resource::*]'],
      reason:
        'Resource "*" appears only in AllowViewAccountInfo (iam:ListVirtualMFADevices and similar list actions support no resource-level permissions) and in the deny of everything but MFA self-service without MFA; self-service actions are scoped to the caller\'s own user and MFA device',
    },
    {
      path: 'Identities/Operators/Resource',
      ids: packs('IAMGroupHasUsers', ['PCI.DSS.321', 'HIPAA.Security']),
      reason:
        "the stack manages the operators group's guardrail policies (MFA, sensitive-action MFA age, source IP), not its membership: people are added by the account onboarding process, outside CloudFormation",
    },
    ...config.iam.crossAccountRoles
      .filter((spec) => spec.awsManagedPolicies.length > 0)
      .map((spec) => ({
        path: `Identities/CrossAccount-${spec.name}/Resource`,
        ids: spec.awsManagedPolicies.map((name) => `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${name}]`),
        reason: `config/${config.environment}.json iam.crossAccountRoles "${spec.name}" names the AWS managed policies ${spec.awsManagedPolicies.join(', ')} for this cross-account role; AWS keeps them current with new services, and the trust policy requires the external id${spec.requireMfa ? ' and MFA' : ''}`,
      })),
  );
  // Inline (CDK default) policies: each belongs to exactly one role and is deleted with it.
  for (const path of [
    'SecurityLogging/Capture/Trail/LogsRole/DefaultPolicy/Resource',
    'SecurityLogging/Shipping/SenderPolicy/Resource',
    'Secrets/*/RotationFunctionRole/DefaultPolicy/Resource',
    'Identities/*/DefaultPolicy/Resource',
    'SecurityLogging/TrailReaderRole/DefaultPolicy/Resource',
    'SecurityLogging/ReplicaReaderRole/DefaultPolicy/Resource',
  ]) {
    acks.push({
      path,
      ids: packs('IAMNoInlinePolicy'),
      reason:
        "CDK grant policy attached to exactly one role and scoped to that role's resources; inline keeps it deleted with the role and never reused by another principal",
    });
  }
  if (config.auditLogs.readers !== undefined) {
    acks.push({
      path: 'SecurityLogging/TrailReaderRole/DefaultPolicy/Resource',
      idsForStack: (stack: Stack) => {
        const bucketId = logicalIdAt(stack, 'SecurityLogging/TrailBucket/Resource', 'TrailBucket');
        return [
          `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`,
          'AwsSolutions-IAM5[Resource::*]',
          `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudtrail:${stack.region}:${stack.account}:trail/*]`,
        ];
      },
      reason:
        'the trail reader (config auditLogs.readers, forensics) reads the log and digest files of this one trail bucket, whose keys CloudTrail chooses (AWSLogs/<account>/...); cloudtrail:DescribeTrails and ListPublicKeys authorize no resource (IAM accepts only "*"), GetTrail reads the trails of this account and region; nothing is written',
    });
  }
  if (config.auditLogs.readers !== undefined && replicaRegion !== undefined) {
    acks.push({
      path: 'SecurityLogging/ReplicaReaderRole/DefaultPolicy/Resource',
      idsForStack: (stack: Stack) => [
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${auditReplicaBucketName(config.environment, stack.account, replicaRegion)}/*]`,
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:${replicaRegion}:${stack.account}:key/*]`,
      ],
      reason:
        'the replica reader (config auditLogs.readers) reads the log and digest files of the one audit replica bucket (fixed name; S3 replication chooses the keys) and decrypts them through S3 of the replica region with the key the replica alias names (kms:ResourceAliases; the key is created in the replica stack, so its id is unknown here); nothing is written',
    });
  }
  // The registration hook's role is imported by name from config; CDK attaches the grant (read of
  // the pending and current values, kms:Decrypt through Secrets Manager) as a policy of its own.
  for (const name of new Set(config.workloadAccounts.flatMap((a) => a.apiKeys.filter((k) => apiKeyRegistrationHook(k) !== undefined).map(apiKeyName)))) {
    acks.push({
      path: `Secrets/${name}-RegistrationHookRole/*/Resource`,
      ids: packs('IAMNoInlinePolicy'),
      reason: `CDK grant on the registration hook role of API key ${name} (config: workloadAccounts[].apiKeys[].registrationHook.roleName): read of that key's pending and current values and kms:Decrypt through Secrets Manager, nothing else; the stack owns the policy and deletes it with the key`,
    });
  }
  acks.push(...privateNetworkAcknowledgements());
  if (config.s3.encryption === 'SSE_S3') {
    acks.push({
      path: 'DataBucket/Resource',
      ids: packs('S3DefaultEncryptionKMS'),
      reason: `config/${config.environment}.json sets s3.encryption SSE_S3 for this environment; the bucket policy still denies PUTs without the encryption header (Guardrails-S3BucketPolicyEnforcesEncryption)`,
    });
  }
  return acks;
}

/** The construct ids of the API key and service token rotations of every workload account (`<name>-ApiKey`, `<name>-ServiceToken`). */
function tokenRotationPaths(config: GuardrailsConfig): string[] {
  const ids = config.workloadAccounts.flatMap((a) => [
    ...a.apiKeys.map((key) => `${apiKeyName(key)}-ApiKey`),
    ...a.serviceTokens.map((name) => `${name}-ServiceToken`),
  ]);
  return [...new Set(ids)];
}

/** The default encryption algorithm of the bucket at a stack-relative path (`AES256`, `aws:kms`), if literal. */
function sseAlgorithmAt(stack: Stack, path: string): unknown {
  const bucket = resourceAt(stack, path);
  const encryption = bucket === undefined ? undefined : stack.resolve((bucket as s3.CfnBucket).bucketEncryption);
  return encryption?.serverSideEncryptionConfiguration?.[0]?.serverSideEncryptionByDefault?.sseAlgorithm;
}

/** Registers the gate on the app. */
export function addComplianceGate(app: App, config: GuardrailsConfig): void {
  addGate(app, config, workloadAcknowledgements(config));
}
