import { applyTags, stackName, useConfigBootstrapQualifier } from '@cdk-guardrails/app-kit';
import { GuardrailsConfig, workloadStackRegions } from '@cdk-guardrails/config';
import { LeastPrivilegeValidationPlugin, PolicyValidator, RequirePermissionsBoundary } from '@cdk-guardrails/iam-least-privilege';
import { App, Aspects, Stack, Validations } from 'aws-cdk-lib';
import { AuditReplicaStack } from './audit-replica-stack';
import { WorkloadGuardrailsStack } from './guardrails-stack';
import { addWorkloadOutputs } from './outputs';

/**
 * Composes every workload account and region. Nothing here references the security
 * app's stacks: cross-account CloudFormation references do not exist, so anything
 * central (the log destination ARN) is derived from config.
 *
 * Returns the guardrails stacks (one per account and stack region). With
 * config.auditLogs.replicaRegion, each account also gets an AuditReplicaStack in that region
 * (not in the returned list: find them with `auditReplicaStacks(app)`), on which every
 * guardrails stack of the account depends, so that it deploys first.
 */
export function buildWorkloadApp(app: App, config: GuardrailsConfig): Stack[] {
  useConfigBootstrapQualifier(app, config);
  const stacks: Stack[] = [];
  for (const account of config.workloadAccounts) {
    const replicaRegion = config.auditLogs.replicaRegion;
    let replicaStack: AuditReplicaStack | undefined;
    if (replicaRegion !== undefined) {
      const name = stackName(config.environment, 'workload', `${account.name}-audit-replica`, replicaRegion);
      replicaStack = new AuditReplicaStack(app, name, {
        stackName: name,
        description: `cdk-guardrails ${config.environment}: audit-log replica bucket and key of workload account ${account.name} (${account.accountId}) in ${replicaRegion}`,
        config,
        account,
        region: replicaRegion,
        terminationProtection: config.removalPolicy === 'retain',
      });
    }
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
      // The trail bucket's replication rule needs the destination bucket to exist.
      if (replicaStack !== undefined) stack.addStackDependency(replicaStack, 'the trail bucket replicates to the audit replica bucket');
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

/** The audit replica stacks of the app (one per workload account when config.auditLogs.replicaRegion is set). */
export function auditReplicaStacks(app: App): AuditReplicaStack[] {
  return app.node.children.filter((c): c is AuditReplicaStack => c instanceof AuditReplicaStack);
}
