/**
 * The account baseline both apps deploy (config `accountBaseline`): EBS encryption by default with
 * the region's data key, S3 Block Public Access for the whole account (global: one stack per
 * account owns it), and the SSE-C block of the apps' buckets.
 *
 * CloudFormation has no resource type for the two account settings (checked against the
 * aws-cdk-lib 2.276 L1 modules and the CloudFormation template reference; see
 * `EbsEncryptionByDefault` and `AccountPublicAccessBlock`): both are `CustomResource`s served by one
 * function per stack, its code inline (no asset: the StackSet baseline has them too), named under the protected prefix (`guardrails-account-settings`, which
 * the boundary's `DenyGuardrailResourceChanges` and the SCP protect: nobody inside invokes, updates or
 * deletes it), its role outside the boundary, tagged `guardrails:protected` and named
 * `guardrails-account-settings-<region>` (`accountSettingsRoleName`: the SCP exempts it by exact ARN).
 */
import { accountSettingsRoleName, GuardrailsConfig, GUARDRAIL_NAMES } from '@cdk-guardrails/config';
import { AccountSettingsHandler } from '@cdk-guardrails/facts';
import { EbsEncryptionByDefault } from '@cdk-guardrails/kms-hierarchy';
import { RequirePrivateFunctions } from '@cdk-guardrails/resilience';
import { AccountPublicAccessBlock } from '@cdk-guardrails/s3-encryption';
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { removalPolicyOf } from './app-support';
import { Acknowledgement, packRuleIds as packs } from './compliance-gate';
import { controlTowerRuleId as ct } from './control-tower';
import { logClassRetentionAcknowledgements } from './control-tower-acknowledgements';

/** The stack-relative path of the settings function (the id both construct packages find or create it under). */
const PROVIDER_PATH = AccountSettingsHandler.FUNCTION_ID;
/** Lambda's own log group name for the function: protected by the boundary and the SCP (`/aws/lambda/guardrails-*`). */
const LOG_GROUP_NAME = `/aws/lambda/${GUARDRAIL_NAMES.accountSettingsFunction}`;

/** What `addAccountBaseline` created. */
export interface AccountBaselineResources {
  readonly ebsEncryptionByDefault?: EbsEncryptionByDefault;
  readonly accountPublicAccessBlock?: AccountPublicAccessBlock;
}

/** The services the data key must admit for the baseline: EC2, when EBS encrypts with it by default. */
export function dataKeyServicesForBaseline(config: GuardrailsConfig): string[] {
  return config.accountBaseline.ebsEncryptionByDefault ? ['ec2'] : [];
}

/** `allowSseC` of the apps' buckets: false (SSE-C blocked) unless config switches the block off. */
export function allowSseCOf(config: GuardrailsConfig): boolean {
  return !config.accountBaseline.blockSseCObjectWrites;
}

/** The keys of the stack's region the baseline uses. */
export interface AccountBaselineKeys {
  /** EBS encrypts new volumes with it (its policy must admit `ec2`: `dataKeyServicesForBaseline`). */
  readonly dataKey: kms.IKey;
  /** Encrypts the log group of the function that applies the settings. */
  readonly logsKey: kms.IKey;
}

/**
 * The account baseline of one stack: EBS encryption by default in its region, and, when
 * `ownsGlobalSettings` (the home region's stack of the account), S3 Block Public Access for the
 * account. The function's log group is encrypted with the logs key and kept as the security class.
 */
export function addAccountBaseline(
  scope: Construct,
  config: GuardrailsConfig,
  keys: AccountBaselineKeys,
  ownsGlobalSettings: boolean,
): AccountBaselineResources {
  const ebs = config.accountBaseline.ebsEncryptionByDefault;
  const bpa = ownsGlobalSettings && config.accountBaseline.s3BlockPublicAccess;
  if (!ebs && !bpa) return {};
  const functionName = GUARDRAIL_NAMES.accountSettingsFunction;
  const logGroup = new logs.LogGroup(scope, 'AccountSettingsLogGroup', {
    logGroupName: LOG_GROUP_NAME,
    encryptionKey: keys.logsKey,
    retention: config.logging.retentionDays.security as logs.RetentionDays,
    removalPolicy: removalPolicyOf(config),
  });
  const ebsEncryptionByDefault = ebs ? new EbsEncryptionByDefault(scope, 'EbsEncryptionByDefault', { key: keys.dataKey, functionName, logGroup }) : undefined;
  const accountPublicAccessBlock = bpa ? new AccountPublicAccessBlock(scope, 'AccountPublicAccessBlock', { functionName, logGroup }) : undefined;
  const stack = Stack.of(scope);
  const provider = stack.node.tryFindChild(PROVIDER_PATH);
  // A fixed role name per region, so that the SCP exempts exactly this role (accountSettingsRoleArns).
  const providerRole = provider instanceof lambda.Function ? provider.role?.node.defaultChild : undefined;
  if (!(provider instanceof lambda.Function) || !(providerRole instanceof iam.CfnRole)) {
    throw new Error(
      `${scope.node.path}: the account settings function's role was not found at ${PROVIDER_PATH}/ServiceRole (aws-cdk-lib changed its AwsCustomResource provider)`,
    );
  }
  providerRole.roleName = accountSettingsRoleName(stack.region);
  RequirePrivateFunctions.exempt(
    provider,
    'account settings provider (guardrails-account-settings): calls only EC2 EnableEbsEncryptionByDefault/ModifyEbsDefaultKmsKeyId and S3 Control PutPublicAccessBlock, for which the private network has no interface endpoint; it runs only when CloudFormation creates or updates the setting, nobody inside the boundary may invoke or change it (guardrails-* name), and its role may make only those calls',
  );
  return { ebsEncryptionByDefault, accountPublicAccessBlock };
}

/**
 * What the compliance packs report on the account settings' function, and why each is acceptable
 * there (both apps, every stack with the baseline).
 */
export function accountBaselineAcknowledgements(config: GuardrailsConfig): Acknowledgement[] {
  return [
    {
      path: `${PROVIDER_PATH}/Resource`,
      ids: [...packs('LambdaInsideVPC'), ct('CT.LAMBDA.PR.3')],
      reason:
        'the account settings function calls only EC2 (EnableEbsEncryptionByDefault, ModifyEbsDefaultKmsKeyId) and S3 Control (PutPublicAccessBlock), for which the private network has no interface endpoint; it runs only when CloudFormation creates or updates a setting, and nobody inside the boundary may invoke or change it (guardrails-* function)',
    },
    {
      path: `${PROVIDER_PATH}/Resource`,
      ids: [...packs('LambdaDLQ', ['NIST.800.53.R5', 'HIPAA.Security']), ...packs('LambdaConcurrency', ['NIST.800.53.R5', 'HIPAA.Security'])],
      reason:
        'invoked synchronously by CloudFormation only (custom resource create and update), where a function DLQ never applies and a failure fails the deployment; it runs once per deployment, so reserved concurrency would bound nothing',
    },
    {
      path: `${PROVIDER_PATH}/ServiceRole/Resource`,
      ids: ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]'],
      reason:
        "the account settings function's role: AWSLambdaBasicExecutionRole lets it write its own log group only (logs:CreateLogStream, PutLogEvents); the role has no boundary, the guardrails:protected tag, and otherwise only the settings' calls",
    },
    {
      path: `${PROVIDER_PATH}/ServiceRole/DefaultPolicy/Resource`,
      ids: ['AwsSolutions-IAM5[Resource::*]', ...packs('IAMNoInlinePolicy', ['NIST.800.53.R5', 'PCI.DSS.321', 'HIPAA.Security'])],
      reason:
        "the settings' calls (s3:PutAccountPublicAccessBlock, ec2:EnableEbsEncryptionByDefault, ec2:ModifyEbsDefaultKmsKeyId) are resourceless actions, authorized only on '*' (Service Authorization Reference); the inline policy is the account settings function's role's own, and holds only those calls",
    },
    ...logClassRetentionAcknowledgements(config, [{ path: 'AccountSettingsLogGroup/Resource', logClass: 'security' }]),
  ];
}
