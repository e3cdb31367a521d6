import { addAccountBaseline, dataKeyServicesForBaseline, GuardrailStack } from '@cdk-guardrails/app-kit';
import { KeyHierarchy } from '@cdk-guardrails/kms-hierarchy';
import { Duration, RemovalPolicy, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { GuardrailsConfig, KeyChoices } from '@cdk-guardrails/config';
import { keySources } from './key-sources';

export interface KeysStackProps extends StackProps {
  readonly keyChoices: KeyChoices;
  readonly rotationPeriodDays: number;
  readonly aliasPrefix: string;
  readonly removalPolicy: RemovalPolicy;
  /** Exact ARNs that administer the keys (execution role of the region, key admin, break-glass). */
  readonly administratorArns: string[];
  /** The environment's config: its `accountBaseline` section applies to the security account too. */
  readonly config: GuardrailsConfig;
  /** The account's first region: its keys stack owns the global settings (S3 Block Public Access of the account). */
  readonly homeRegion: boolean;
}

/**
 * The security account's data, secrets and logs keys in one region (the logs key encrypts the central
 * log groups), and the account baseline next to the data key: EBS encryption by default with it, and,
 * in the home region, S3 Block Public Access of the account.
 */
export class KeysStack extends GuardrailStack {
  public readonly keys: KeyHierarchy;

  constructor(scope: Construct, id: string, props: KeysStackProps) {
    super(scope, id, props);
    this.keys = new KeyHierarchy(this, 'Keys', {
      ...keySources(props.keyChoices),
      rotationPeriod: Duration.days(props.rotationPeriodDays),
      aliasPrefix: props.aliasPrefix,
      removalPolicy: props.removalPolicy,
      administratorArns: props.administratorArns,
      // EC2 encrypts the account's new EBS volumes with the data key (accountBaseline.ebsEncryptionByDefault).
      additionalDataKeyServices: dataKeyServicesForBaseline(props.config).length > 0 ? dataKeyServicesForBaseline(props.config) : undefined,
    });
    addAccountBaseline(this, props.config, { dataKey: this.keys.dataKey, logsKey: this.keys.logsKey }, props.homeRegion);
  }
}
