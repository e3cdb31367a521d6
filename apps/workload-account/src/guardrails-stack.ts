import { GuardrailsConfig, keyChoicesFor, removalPolicyOf, WorkloadAccountConfig } from '@cdk-guardrails/config';
import { KeyHierarchy, KeySource } from '@cdk-guardrails/kms-hierarchy';
import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';

export interface WorkloadGuardrailsStackProps extends StackProps {
  readonly config: GuardrailsConfig;
  readonly account: WorkloadAccountConfig;
  readonly region: string;
}

/**
 * The guardrails of one workload account in one region. Each region has its own keys:
 * a KMS key cannot be used outside its region.
 */
export class WorkloadGuardrailsStack extends Stack {
  public readonly keys: KeyHierarchy;

  constructor(scope: Construct, id: string, props: WorkloadGuardrailsStackProps) {
    super(scope, id, { ...props, env: { account: props.account.accountId, region: props.region } });
    const { config } = props;
    const choices = keyChoicesFor(config, props.account.accountId, props.region);
    const source = (arn: string | undefined) => arn ? KeySource.fromKeyArn(arn) : KeySource.create();
    this.keys = new KeyHierarchy(this, 'Keys', {
      dataKey: source(choices.data),
      secretsKey: source(choices.secrets),
      logsKey: source(choices.logs),
      rotationPeriod: Duration.days(config.kms.rotationPeriodDays),
      aliasPrefix: config.kms.aliasPrefix,
      removalPolicy: removalPolicyOf(config),
    });
  }
}
