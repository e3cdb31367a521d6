import { applyTags, removalPolicyOf, stackName, useConfigBootstrapQualifier } from '@cdk-guardrails/app-kit';
import { boundaryProtections, GuardrailsConfig, keyAdministratorArns, keyChoicesFor } from '@cdk-guardrails/config';
import { LeastPrivilegeValidationPlugin, PermissionsBoundary, PolicyValidator, RequirePermissionsBoundary } from '@cdk-guardrails/iam-least-privilege';
import * as iam from 'aws-cdk-lib/aws-iam';
import { App, Aspects, Stack, Validations } from 'aws-cdk-lib';
import { KeysStack } from './keys-stack';
import { LoggingStack } from './logging-stack';
import { addSecurityKeysOutputs, addSecurityLoggingOutputs } from './outputs';

/**
 * Composes the security account: per region, its key hierarchy and the central log destination
 * (which uses the logs key of the same region). The workload app never
 * references these stacks (CloudFormation cannot reference across accounts); it derives
 * the central destination ARN from config instead.
 */
export function buildSecurityApp(app: App, config: GuardrailsConfig): Stack[] {
  useConfigBootstrapQualifier(app, config);
  const { accountId, regions } = config.securityAccount;
  const stacks: Stack[] = [];
  let home: Stack | undefined;
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
      administratorArns: keyAdministratorArns(config, accountId, region),
      config,
      homeRegion: home === undefined,
      terminationProtection: config.removalPolicy === 'retain',
    });
    const loggingName = stackName(config.environment, 'security', 'logging', region);
    const logging = new LoggingStack(app, loggingName, {
      stackName: loggingName,
      env: { account: accountId, region },
      description: `cdk-guardrails ${config.environment}: central log destination, stream, forwarder and log groups in ${region}`,
      config,
      logsKey: keys.keys.logsKey,
      dataKey: keys.keys.dataKey,
      homeRegion: home === undefined,
      terminationProtection: config.removalPolicy === 'retain',
    });
    logging.addStackDependency(keys);
    addSecurityKeysOutputs(keys, config.environment);
    addSecurityLoggingOutputs(logging, config.environment);
    // IAM is global: the account's permissions boundary is created once, in the first region's
    // keys stack; every role of the account's stacks carries it (the logging stacks reference it by name).
    if (home === undefined) {
      home = keys;
      new PermissionsBoundary(keys, 'PermissionsBoundary', {
        requiredTagKeys: ['guardrails:environment'],
        // Named principals, CDK roles and guardrail resources nobody inside the boundary may touch.
        ...boundaryProtections(config, accountId),
      });
    } else {
      logging.addStackDependency(home);
    }
    iam.PermissionsBoundary.of(logging).apply(PermissionsBoundary.fromDefaultName(logging, 'PermissionsBoundary'));
    stacks.push(keys, logging);
  }
  applyTags(app, config);
  // Every policy in the app is checked at synth: a violation fails synth with the construct path
  // and the statement, and `cdk synth` prints the plugin's report.
  Aspects.of(app).add(new PolicyValidator());
  Aspects.of(app).add(new RequirePermissionsBoundary());
  Validations.of(app).addPlugins(new LeastPrivilegeValidationPlugin());
  return stacks;
}
