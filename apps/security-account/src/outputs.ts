import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { KeysStack } from './keys-stack';
import { LoggingStack } from './logging-stack';

/**
 * Stack outputs of the security account that the integration suites (test-integration/) read
 * from cfn-outputs/flat-outputs.json. Only names and ARNs: never a secret value or an external id.
 * No exports: nothing may import them (workloads derive the destination ARN from config).
 */
export function addSecurityKeysOutputs(stack: KeysStack, environment: string): void {
  addLocation(stack, environment, 'security-keys');
  const keys = { Data: stack.keys.dataKey, Secrets: stack.keys.secretsKey, Logs: stack.keys.logsKey };
  for (const [purpose, key] of Object.entries(keys)) {
    output(stack, `${purpose}KeyArn`, key.keyArn, `${purpose.toLowerCase()} key`);
    output(stack, `${purpose}KeyCreated`, String(key instanceof kms.Key), `true when this stack created the ${purpose.toLowerCase()} key, false when imported`);
  }
}

/** The central log destination and the central log groups per class of one region. */
export function addSecurityLoggingOutputs(stack: LoggingStack, environment: string): void {
  addLocation(stack, environment, 'security-logging');
  const d = stack.destination;
  output(stack, 'DestinationArn', d.destinationArn, 'CloudWatch Logs destination the workloads of this region subscribe to');
  if (d.evidenceDestinationArn !== undefined) {
    output(
      stack,
      'EvidenceDestinationArn',
      d.evidenceDestinationArn,
      'CloudWatch Logs destination of the audit and security classes (only the deployers subscribe)',
    );
  }
  output(stack, 'CentralAuditLogGroupName', d.auditLogGroup.logGroupName, 'central audit-class log group');
  output(stack, 'CentralSecurityLogGroupName', d.securityLogGroup.logGroupName, 'central security-class log group');
  output(stack, 'CentralAppLogGroupName', d.appLogGroup.logGroupName, 'central app-class log group');
  output(stack, 'ForwarderLogGroupName', d.forwarderLogGroup.logGroupName, "the forwarder's own log group (never shipped)");
  output(stack, 'DeadLetterQueueUrl', d.deadLetterQueue.queueUrl, 'records the forwarder could not deliver');
}

function addLocation(stack: Stack, environment: string, role: string): void {
  output(stack, 'GuardrailsEnvironment', environment, 'config environment');
  output(stack, 'GuardrailsRole', role, 'what this stack is: security-keys, security-logging, workload, workload-capture-only');
  output(stack, 'AccountId', stack.account, 'account of the stack');
  output(stack, 'Region', stack.region, 'region of the stack');
}

function output(stack: Stack, id: string, value: string, description: string): void {
  new CfnOutput(stack, id, { value, description });
}
