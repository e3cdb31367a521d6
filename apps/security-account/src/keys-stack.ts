import { KeyHierarchy } from '@cdk-guardrails/kms-hierarchy';
import { Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { KeyChoices } from '@cdk-guardrails/config';
import { keySources } from './key-sources';

export interface KeysStackProps extends StackProps {
  readonly keyChoices: KeyChoices;
  readonly rotationPeriodDays: number;
  readonly aliasPrefix: string;
  readonly removalPolicy: RemovalPolicy;
  /** Exact ARNs that administer the keys (execution role of the region, key admin, break-glass). */
  readonly administratorArns: string[];
}

/** The security account's data, secrets and logs keys in one region (the logs key encrypts the central log groups). */
export class KeysStack extends Stack {
  public readonly keys: KeyHierarchy;

  constructor(scope: Construct, id: string, props: KeysStackProps) {
    super(scope, id, props);
    this.keys = new KeyHierarchy(this, 'Keys', {
      ...keySources(props.keyChoices),
      rotationPeriod: Duration.days(props.rotationPeriodDays),
      aliasPrefix: props.aliasPrefix,
      removalPolicy: props.removalPolicy,
      administratorArns: props.administratorArns,
    });
  }
}
