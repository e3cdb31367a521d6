/**
 * The network mode (config network.privateFunctions) in the security account: with it on (prod),
 * the log forwarder of every region runs in private subnets without an internet route, reaching
 * CloudWatch Logs, SQS and KMS through endpoints; with it off (dev), no VPC is created.
 */
import { join } from 'node:path';
import { createApp } from '@cdk-guardrails/app-kit';
import { loadConfig } from '@cdk-guardrails/config';
import { Annotations, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LoggingStack } from '../src/logging-stack';
import { buildSecurityApp } from '../src/security-app';

const CONFIG_DIR = join(__dirname, '..', '..', '..', 'config');

function loggingStacks(env: string): LoggingStack[] {
  const app = createApp({ context: { env } });
  return buildSecurityApp(app, loadConfig(env, { configDir: CONFIG_DIR })).filter((s): s is LoggingStack => s instanceof LoggingStack);
}

describe('network mode on (prod)', () => {
  const stacks = loggingStacks('prod');

  test("every region's forwarder runs in that region's private subnets, behind its own security group", () => {
    expect(stacks.map((s) => s.region)).toEqual(['eu-west-1', 'eu-central-1', 'us-east-1']);
    for (const stack of stacks) {
      const t = Template.fromStack(stack);
      const functions = Object.values(t.findResources('AWS::Lambda::Function')) as any[];
      expect(functions).toHaveLength(1);
      const network = stack.network!;
      expect(functions[0].Properties.VpcConfig).toEqual({
        SubnetIds: network.subnets.map((s) => stack.resolve(s.subnetId)),
        SecurityGroupIds: [stack.resolve(network.functionSecurityGroup.securityGroupId)],
      });
      // Subnets in the zones named in config (no lookup at synth).
      const entry = loadConfig('prod', { configDir: CONFIG_DIR }).network.privateFunctions.vpcs.find((v) => v.region === stack.region)!;
      const zones = (Object.values(t.findResources('AWS::EC2::Subnet')) as any[]).map((s) => s.Properties.AvailabilityZone);
      expect(zones).toEqual(entry.vpc.availabilityZones);
    }
  });

  test('no NAT or internet gateway; logs, SQS and KMS endpoints exist for the forwarder', () => {
    for (const stack of stacks) {
      const t = Template.fromStack(stack);
      t.resourceCountIs('AWS::EC2::NatGateway', 0);
      t.resourceCountIs('AWS::EC2::InternetGateway', 0);
      const names = (Object.values(t.findResources('AWS::EC2::VPCEndpoint')) as any[]).map((e) => JSON.stringify(e.Properties.ServiceName));
      for (const service of ['logs', 'sqs', 'kms']) expect(names.some((n) => n.endsWith(`.${service}"`))).toBe(true);
    }
  });

  test('a Lambda function added outside the private subnets fails synth', () => {
    const [stack] = loggingStacks('prod');
    new lambda.Function(stack, 'Stray', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {}'),
    });
    expect(() => Annotations.fromStack(stack)).toThrow(/Stray\/Resource runs outside any VPC/);
  });
});

describe('network mode off (dev)', () => {
  test('no VPC; the forwarder runs outside a VPC', () => {
    for (const stack of loggingStacks('dev')) {
      const t = Template.fromStack(stack);
      t.resourceCountIs('AWS::EC2::VPC', 0);
      t.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
      for (const fn of Object.values(t.findResources('AWS::Lambda::Function')) as any[]) expect(fn.Properties.VpcConfig).toBeUndefined();
      expect(stack.network).toBeUndefined();
    }
  });
});
