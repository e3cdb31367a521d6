import { App, Stack } from 'aws-cdk-lib';
import { ExistingVpcAttributes } from '../lib';

export const ACCOUNT = '111111111111';
export const OTHER_ACCOUNT = '222222222222';
export const REGION = 'eu-west-1';
export const ZONES = ['eu-west-1a', 'eu-west-1b'];

/** A fresh stack in a concrete environment. */
export function newStack(id = 'TestStack'): Stack {
  return new Stack(new App(), id, { env: { account: ACCOUNT, region: REGION } });
}

/** Ids of an existing VPC with two private subnets in two zones. */
export function existingVpc(overrides: Partial<ExistingVpcAttributes> = {}): ExistingVpcAttributes {
  return {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ZONES,
    privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'],
    privateSubnetRouteTableIds: ['rtb-0aaaaaaaaaaaaaaa1', 'rtb-0bbbbbbbbbbbbbbb2'],
    ...overrides,
  };
}
