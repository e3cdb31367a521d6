import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CentralLogDestination, LogSenders } from '../lib';
import { newKey, newStack, WORKLOAD_ACCOUNT } from './helpers';

function privateVpc(stack: ReturnType<typeof newStack>) {
  return ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'],
  });
}

describe('CentralLogDestination forwarder placement', () => {
  test('without a VPC the forwarder runs outside any VPC (unchanged default)', () => {
    const stack = newStack();
    new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]), logsKey: newKey(stack) });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', VpcConfig: Match.absent() });
  });

  test('with a VPC, subnets and security groups the forwarder runs in exactly those', () => {
    // GIVEN
    const stack = newStack();
    const vpc = privateVpc(stack);
    const sg = ec2.SecurityGroup.fromSecurityGroupId(stack, 'FunctionSg', 'sg-0123456789abcdef0');
    // WHEN
    const dest = new CentralLogDestination(stack, 'Central', {
      senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]),
      logsKey: newKey(stack),
      vpc,
      vpcSubnets: { subnets: vpc.privateSubnets },
      securityGroups: [sg],
    });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      VpcConfig: { SubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'], SecurityGroupIds: ['sg-0123456789abcdef0'] },
    });
    expect(dest.forwarder.connections.securityGroups.map((g) => g.securityGroupId)).toEqual(['sg-0123456789abcdef0']);
  });

  test('with only a VPC the forwarder gets its own security group in the private subnets', () => {
    const stack = newStack();
    new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]), logsKey: newKey(stack), vpc: privateVpc(stack) });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: {
        SubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'],
        SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('CentralForwarderSecurityGroup'), 'GroupId'] }],
      },
    });
  });

  test('fails if subnets or security groups are given without a VPC', () => {
    const stack = newStack();
    const sg = ec2.SecurityGroup.fromSecurityGroupId(stack, 'FunctionSg', 'sg-0123456789abcdef0');
    expect(
      () => new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]), logsKey: newKey(stack), securityGroups: [sg] }),
    ).toThrow(/^TestStack\/Central: vpc: received undefined with vpcSubnets or securityGroups set; expected .*place the forwarder in a VPC\. Set vpc as well$/);
  });
});
