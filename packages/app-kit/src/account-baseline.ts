/**
 * The account baseline both apps deploy (config `accountBaseline`): EBS encryption by default with
 * the region's data key, S3 Block Public Access for the whole account (global: one stack per
 * account owns it), and the SSE-C block of the apps' buckets.
 *
 * CloudFormation has no resource type for the two account settings (checked against the
 * aws-cdk-lib 2.276 L1 modules and the CloudFormation template reference; see
 * `EbsEncryptionByDefault` and `AccountPublicAccessBlock`): both are `AwsCustomResource` calls made
 * by one function per stack, named under the protected prefix (`guardrails-account-settings`, which
 * the boundary's `DenyGuardrailResourceChanges` and the SCP protect: nobody inside invokes, updates or
 * deletes it), its role outside the boundary and tagged `guardrails:protected`.
 */
import { GuardrailsConfig, GUARDRAIL_NAMES } from '@cdk-guardrails/config';
import { EbsEncryptionByDefault } from '@cdk-guardrails/kms-hierarchy';
import { RequirePrivateFunctions } from '@cdk-guardrails/resilience';
import { AccountPublicAccessBlock } from '@cdk-guardrails/s3-encryption';
import { Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

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

/**
 * The account baseline of one stack: EBS encryption by default in its region (with `dataKey`, whose
 * policy must admit `ec2`: `dataKeyServicesForBaseline`), and, when `ownsGlobalSettings` (the home
 * region's stack of the account), S3 Block Public Access for the account.
 */
export function addAccountBaseline(scope: Construct, config: GuardrailsConfig, dataKey: kms.IKey, ownsGlobalSettings: boolean): AccountBaselineResources {
  const functionName = GUARDRAIL_NAMES.accountSettingsFunction;
  const ebsEncryptionByDefault = config.accountBaseline.ebsEncryptionByDefault
    ? new EbsEncryptionByDefault(scope, 'EbsEncryptionByDefault', { key: dataKey, functionName })
    : undefined;
  const accountPublicAccessBlock =
    ownsGlobalSettings && config.accountBaseline.s3BlockPublicAccess ? new AccountPublicAccessBlock(scope, 'AccountPublicAccessBlock', { functionName }) : undefined;
  const provider = Stack.of(scope).node.tryFindChild(`AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`);
  if (provider !== undefined) {
    RequirePrivateFunctions.exempt(
      provider,
      'account settings provider (guardrails-account-settings): calls only EC2 EnableEbsEncryptionByDefault/ModifyEbsDefaultKmsKeyId and S3 Control PutPublicAccessBlock, for which the private network has no interface endpoint; it runs only when CloudFormation creates or updates the setting, nobody inside the boundary may invoke or change it (guardrails-* name), and its role may make only those calls',
    );
  }
  return { ebsEncryptionByDefault, accountPublicAccessBlock };
}
