import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { RotatingApiKey, RotatingServiceToken } from '../lib';

function fixture() {
  const stack = new Stack(new App(), 'Workload', { env: { account: '111111111111', region: 'eu-west-1' } });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'],
  });
  const sg = ec2.SecurityGroup.fromSecurityGroupId(stack, 'FunctionSg', 'sg-0123456789abcdef0');
  return { stack, vpc, sg, key: new kms.Key(stack, 'SecretsKey') };
}

describe.each([
  ['RotatingApiKey', RotatingApiKey],
  ['RotatingServiceToken', RotatingServiceToken],
])('%s rotation function placement', (_name, TokenClass) => {
  test('without a VPC the rotation function runs outside any VPC (unchanged default)', () => {
    const { stack, key } = fixture();
    new TokenClass(stack, 'Token', { encryptionKey: key });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', VpcConfig: Match.absent() });
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('ec2:CreateNetworkInterface');
  });

  test('with a VPC, subnets and security groups the rotation function runs in exactly those, and its role may manage its network interfaces', () => {
    // GIVEN
    const { stack, key, vpc, sg } = fixture();
    // WHEN
    const token = new TokenClass(stack, 'Token', { encryptionKey: key, vpc, vpcSubnets: { subnets: vpc.privateSubnets }, securityGroups: [sg] });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      VpcConfig: { SubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'], SecurityGroupIds: ['sg-0123456789abcdef0'] },
    });
    // Lambda checks at creation that the role can create the function's network interfaces.
    // Inline, not the AWSLambdaVPCAccessExecutionRole managed policy (which allows writing to every log group).
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'ManageOwnNetworkInterfaces',
            Action: Match.arrayWith(['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface']),
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::IAM::Role', { Description: Match.stringLikeRegexp('^Rotates one'), ManagedPolicyArns: Match.absent() });
    expect(token.rotationFunction.connections.securityGroups.map((g) => g.securityGroupId)).toEqual(['sg-0123456789abcdef0']);
  });

  test('fails if subnets or security groups are given without a VPC', () => {
    const { stack, key, sg } = fixture();
    expect(() => new TokenClass(stack, 'Token', { encryptionKey: key, securityGroups: [sg] })).toThrow(
      /^\S+: vpc: received undefined with vpcSubnets or securityGroups set; expected .*place the rotation function in a VPC\. Set vpc as well$/,
    );
  });
});
