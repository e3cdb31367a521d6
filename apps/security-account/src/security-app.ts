import { applyTags, GuardrailsConfig, keyChoicesFor, removalPolicyOf, stackName } from '@cdk-guardrails/config';
import { App, Stack } from 'aws-cdk-lib';
import { KeysStack } from './keys-stack';
import { LoggingStack } from './logging-stack';

/**
 * Composes the security account: per region, its key hierarchy and the central log destination
 * (which uses the logs key of the same region). The workload app never
 * references these stacks (CloudFormation cannot reference across accounts); it derives
 * the central destination ARN from config instead.
 */
export function buildSecurityApp(app: App, config: GuardrailsConfig): Stack[] {
  const { accountId, regions } = config.securityAccount;
  const stacks: Stack[] = [];
  for (const region of regions) {
    const name = stackName(config.environment, 'security', 'keys', region);
    const keys = new KeysStack(app, name, {
      stackName: name,
      env: { account: accountId, region },
      description: `cdk-guardrails ${config.environment}: security account key hierarchy (data, secrets, logs) in ${region}`,
      keyChoices: keyChoicesFor(config, accountId, region),
      rotationPeriodDays: config.kms.rotationPeriodDays,
      aliasPrefix: config.kms.aliasPrefix,
      removalPolicy: removalPolicyOf(config),
      terminationProtection: config.removalPolicy === 'retain',
    });
    const loggingName = stackName(config.environment, 'security', 'logging', region);
    const logging = new LoggingStack(app, loggingName, {
      stackName: loggingName,
      env: { account: accountId, region },
      description: `cdk-guardrails ${config.environment}: central log destination, stream, forwarder and log groups in ${region}`,
      config,
      logsKey: keys.keys.logsKey,
      terminationProtection: config.removalPolicy === 'retain',
    });
    logging.addStackDependency(keys);
    stacks.push(keys, logging);
  }
  applyTags(app, config);
  return stacks;
}
