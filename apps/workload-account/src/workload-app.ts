import { applyTags, GuardrailsConfig, stackName, workloadStackRegions } from '@cdk-guardrails/config';
import { LeastPrivilegeValidationPlugin, PolicyValidator, RequirePermissionsBoundary } from '@cdk-guardrails/iam-least-privilege';
import { App, Aspects, Stack, Validations } from 'aws-cdk-lib';
import { WorkloadGuardrailsStack } from './guardrails-stack';
import { addWorkloadOutputs } from './outputs';

/**
 * Composes every workload account and region. Nothing here references the security
 * app's stacks: cross-account CloudFormation references do not exist, so anything
 * central (the log destination ARN) is derived from config.
 */
export function buildWorkloadApp(app: App, config: GuardrailsConfig): Stack[] {
  const stacks: Stack[] = [];
  for (const account of config.workloadAccounts) {
    let homeStack: WorkloadGuardrailsStack | undefined;
    for (const region of workloadStackRegions(account)) {
      const captureOnly = !account.regions.includes(region);
      const name = stackName(config.environment, 'workload', account.name, region);
      const stack = new WorkloadGuardrailsStack(app, name, {
        stackName: name,
        description: captureOnly
          ? `cdk-guardrails ${config.environment}: IAM-change capture of workload account ${account.name} (${account.accountId}) in ${region}`
          : `cdk-guardrails ${config.environment}: guardrails of workload account ${account.name} (${account.accountId}) in ${region}`,
        config,
        account,
        region,
        captureOnly,
        homeStack,
        terminationProtection: config.removalPolicy === 'retain',
      });
      addWorkloadOutputs(stack, { environment: config.environment, accountName: account.name });
      homeStack ??= stack;
      stacks.push(stack);
    }
  }
  applyTags(app, config);
  // Every policy in the app is checked at synth: a violation fails synth with the construct path
  // and the statement, and `cdk synth` prints the plugin's report.
  Aspects.of(app).add(new PolicyValidator());
  // Every role and user carries the permissions boundary, or an exemption with a reason.
  Aspects.of(app).add(new RequirePermissionsBoundary());
  Validations.of(app).addPlugins(new LeastPrivilegeValidationPlugin());
  return stacks;
}
