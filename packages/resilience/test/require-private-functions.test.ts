import { Aspects, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { PrivateNetwork, RequirePrivateFunctions, VpcSource } from '../lib';
import { ZONES, existingVpc, newStack } from './helpers';

function fn(stack: Stack, id: string, placement: Partial<lambda.FunctionProps> = {}): lambda.Function {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
    ...placement,
  });
}

function network(stack: Stack): PrivateNetwork {
  return new PrivateNetwork(stack, 'Network', { vpcSource: VpcSource.create({ availabilityZones: ZONES }) });
}

describe('RequirePrivateFunctions', () => {
  test('a function in the private subnets passes', () => {
    // GIVEN
    const stack = newStack();
    const net = network(stack);
    fn(stack, 'Fn', { vpc: net.vpc, vpcSubnets: net.subnetSelection, securityGroups: [net.functionSecurityGroup] });
    // WHEN
    Aspects.of(stack).add(new RequirePrivateFunctions({ allowedSubnets: net.subnets }));
    // THEN
    Annotations.fromStack(stack).hasNoError('*', Match.anyValue());
  });

  test('fails synth for a function outside any VPC', () => {
    const stack = newStack();
    fn(stack, 'Fn');
    Aspects.of(stack).add(new RequirePrivateFunctions());
    Annotations.fromStack(stack).hasError('/TestStack/Fn/Resource', Match.stringLikeRegexp('runs outside any VPC'));
  });

  test('fails synth for a function in subnets other than the allowed ones', () => {
    const stack = newStack();
    const net = network(stack);
    const other = ec2.Vpc.fromVpcAttributes(stack, 'OtherVpc', existingVpc({ privateSubnetIds: ['subnet-0ccccccccccccccc3', 'subnet-0ddddddddddddddd4'] }));
    fn(stack, 'Fn', { vpc: other, vpcSubnets: { subnets: other.privateSubnets } });
    Aspects.of(stack).add(new RequirePrivateFunctions({ allowedSubnets: net.subnets }));
    Annotations.fromStack(stack).hasError(
      '/TestStack/Fn/Resource',
      Match.stringLikeRegexp('outside the private network: subnet-0ccccccccccccccc3, subnet-0ddddddddddddddd4'),
    );
  });

  test("sees the Lambda functions of CDK's custom resource providers", () => {
    const stack = newStack();
    new s3.Bucket(stack, 'Bucket', { autoDeleteObjects: true, removalPolicy: RemovalPolicy.DESTROY });
    Aspects.of(stack).add(new RequirePrivateFunctions());
    const errors = Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('runs outside any VPC'));
    expect(errors.map((e) => e.id)).toEqual([expect.stringMatching(/Custom::S3AutoDeleteObjectsCustomResourceProvider\/Handler$/)]);
  });

  test('an exempted function (with a reason) passes', () => {
    const stack = newStack();
    const f = fn(stack, 'Fn');
    RequirePrivateFunctions.exempt(f, 'calls a partner API on the internet; reviewed in SEC-123');
    Aspects.of(stack).add(new RequirePrivateFunctions());
    Annotations.fromStack(stack).hasNoError('*', Match.anyValue());
  });

  test('fails if an exemption has no real reason', () => {
    const stack = newStack();
    const f = fn(stack, 'Fn');
    expect(() => RequirePrivateFunctions.exempt(f, 'no')).toThrow(
      /^TestStack\/Fn: RequirePrivateFunctions\.exempt\(reason\): received "no"; expected a reason of at least 20 characters\. Say why/,
    );
    expect(() => RequirePrivateFunctions.exempt(f, 'public API, needed')).toThrow(
      /: received "public API, needed"; expected a reason of at least 20 characters/,
    );
  });
});
