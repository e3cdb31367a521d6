import { applyTags, GuardrailsConfig, stackName, workloadStackRegions } from '@cdk-guardrails/config';
import { App, Stack } from 'aws-cdk-lib';
import { WorkloadGuardrailsStack } from './guardrails-stack';

/**
 * Composes every workload account and region. Nothing here references the security
 * app's stacks: cross-account CloudFormation references do not exist, so anything
 * central (the log destination ARN) is derived from config.
 */
export function buildWorkloadApp(app: App, config: GuardrailsConfig): Stack[] {
  const stacks: Stack[] = [];
  for (const account of config.workloadAccounts) {
    for (const region of workloadStackRegions(account)) {
      const captureOnly = !account.regions.includes(region);
      const name = stackName(config.environment, 'workload', account.name, region);
      stacks.push(new WorkloadGuardrailsStack(app, name, {
        stackName: name,
        description: captureOnly
          ? `cdk-guardrails ${config.environment}: IAM-change capture of workload account ${account.name} (${account.accountId}) in ${region}`
          : `cdk-guardrails ${config.environment}: guardrails of workload account ${account.name} (${account.accountId}) in ${region}`,
        config,
        account,
        region,
        captureOnly,
        terminationProtection: config.removalPolicy === 'retain',
      }));
    }
  }
  applyTags(app, config);
  return stacks;
}
