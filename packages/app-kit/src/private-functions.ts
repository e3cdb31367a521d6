/**
 * The network mode of the apps (config `network.privateFunctions`): a PrivateNetwork from a
 * config entry, and the check that every function of a stack runs in it.
 */
import { EndpointService, PrivateNetwork, RequirePrivateFunctions, VpcSource } from '@cdk-guardrails/resilience';
import { Aspects, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Acknowledge } from '@cdk-guardrails/compliance-rules';
import { Construct } from 'constructs';
import { Acknowledgement, packRuleIds } from './compliance-gate';
import { ENDPOINT_SERVICES, GUARDRAIL_NAMES, GUARDRAIL_PROTECTED_TAG_KEY, PrivateFunctionsVpcConfig } from '@cdk-guardrails/config';

const ENDPOINTS: Record<(typeof ENDPOINT_SERVICES)[number], EndpointService> = {
  secretsmanager: EndpointService.SECRETS_MANAGER,
  kms: EndpointService.KMS,
  logs: EndpointService.CLOUDWATCH_LOGS,
  kinesis: EndpointService.KINESIS_STREAMS,
  sqs: EndpointService.SQS,
  sts: EndpointService.STS,
  lambda: EndpointService.LAMBDA,
};

/** The template-validation rule of a literal availability zone (cfn-lint W3010). */
const CONFIG_ZONES_RULE = 'CloudFormation-Validate::W3010';
const CONFIG_ZONES_REASON =
  'the availability zones come from config (network.privateFunctions.vpcs[].vpc.availabilityZones) on purpose: synth never looks zones up (no credentials), and the operator picks zones where every needed interface endpoint service is offered';

export interface PrivateFunctionsNetworkOptions {
  /** Encrypts the flow log group of a created VPC (the logs key of the account and region). */
  readonly flowLogsKey: kms.IKey;
  /**
   * Owner and expiry of the waiver of the literal-zones finding (config compliance: waiverOwner,
   * waiverReviewBy): a by-design decision of this repository, reviewed by that date.
   */
  readonly waiver: { readonly owner: string; readonly expires: string };
  /** Retention of the flow log group (the security class). */
  readonly flowLogRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The private network of one account and region, from its config entry, with the check that
 * every Lambda function of the stack runs in its subnets (or in `extraAllowedSubnets`).
 */
export function addPrivateFunctionsNetwork(
  scope: Construct,
  id: string,
  entry: PrivateFunctionsVpcConfig,
  options: PrivateFunctionsNetworkOptions,
): PrivateNetwork {
  const stack = Stack.of(scope);
  if (stack.account !== entry.accountId || stack.region !== entry.region) {
    throw new Error(
      `${stack.node.path}: network.privateFunctions: received the entry of ${entry.accountId}/${entry.region}; expected the entry of this stack's account and region, ${stack.account}/${stack.region}`,
    );
  }
  const source =
    entry.vpc.source === 'create'
      ? VpcSource.create({
          availabilityZones: entry.vpc.availabilityZones,
          cidr: entry.vpc.cidr,
          flowLogsKey: options.flowLogsKey,
          flowLogRetention: options.flowLogRetention,
          // Under the protected prefix: nobody inside the boundary may delete or shorten it.
          flowLogGroupName: GUARDRAIL_NAMES.flowLogGroup,
        })
      : VpcSource.fromExisting({
          vpcId: entry.vpc.vpcId,
          availabilityZones: entry.vpc.availabilityZones,
          privateSubnetIds: entry.vpc.privateSubnetIds,
          privateSubnetRouteTableIds: entry.vpc.privateSubnetRouteTableIds.length > 0 ? entry.vpc.privateSubnetRouteTableIds : undefined,
          dedicatedRouteTables: entry.vpc.dedicatedRouteTables,
          vpcCidrBlocks: entry.vpc.vpcCidrBlocks.length > 0 ? entry.vpc.vpcCidrBlocks : undefined,
        });
  const network = new PrivateNetwork(scope, id, {
    vpcSource: source,
    interfaceEndpoints: entry.interfaceEndpoints.map((name) => ENDPOINTS[name]),
    // Defaults by source (created: everything; existing: no private DNS, no S3 gateway endpoint).
    s3GatewayEndpoint: entry.s3GatewayEndpoint,
    privateDnsServices: entry.vpc.source === 'existing' ? entry.vpc.privateDnsServices.map((name) => ENDPOINTS[name]) : undefined,
    removalPolicy: options.removalPolicy,
  });
  // Guardrail infrastructure: the SCP protect-tagged-guardrail-resources denies deleting its flow log and
  // cutting or redirecting its endpoints, routes and security groups to all but the administrators.
  Tags.of(network).add(GUARDRAIL_PROTECTED_TAG_KEY, 'true');
  if (entry.vpc.source === 'create') {
    // Acknowledged where the zones are chosen, not in the compliance gate: aws-cdk-lib's template
    // validation runs at every synth (tests included), and does the same for zones it looks up
    // itself (Stack.availabilityZones). Only these subnets: a literal zone anywhere else still warns.
    Acknowledge.atPath(network, 'Vpc/*/Subnet', [CONFIG_ZONES_RULE], { reason: CONFIG_ZONES_REASON, ...options.waiver });
  }
  return network;
}

/**
 * Fails synth for any Lambda function of the stack outside the network's subnets. Functions
 * that are not in the template (the hosted database rotation, created by the Secrets Manager
 * transform) are checked by the apps' tests on the rotation schedule instead.
 */
export function requirePrivateFunctions(stack: Stack, network: PrivateNetwork, extraAllowedSubnets: ec2.ISubnet[] = []): void {
  Aspects.of(stack).add(new RequirePrivateFunctions({ allowedSubnets: [...network.subnets, ...extraAllowedSubnets] }));
  // Endpoints without private DNS (an existing VPC's): every function of the stack reaches them by
  // name, through the variables the AWS SDKs read (AWS_ENDPOINT_URL_<SERVICE>).
  const environment = Object.entries(network.endpointEnvironment());
  if (environment.length > 0) {
    Aspects.of(stack).add({
      visit(node) {
        if (node instanceof lambda.Function) for (const [name, value] of environment) node.addEnvironment(name, value);
      },
    });
  }
}

/**
 * Compliance acknowledgements of the private network (construct id `Network` in a stack), shared
 * by both apps.
 */
export function privateNetworkAcknowledgements(): Acknowledgement[] {
  return [
    {
      path: 'Network/Vpc/Resource',
      ids: packRuleIds('VPCDefaultSecurityGroupClosed'),
      reason:
        'nothing is placed in the default security group (the functions and the endpoints each have their own); closing it from CloudFormation needs a CDK custom-resource Lambda that runs outside the VPC, which the network mode forbids. To tighten: remove its rules once by hand or with the AWS Config rule vpc-default-security-group-closed and an SSM remediation',
    },
    ...['Network/NetworkAcl/Resource', 'Network/NetworkAcl/*/Resource'].map((path) => ({
      path,
      ids: ['AwsSolutions-VPC3'],
      reason:
        "the private subnets get a network ACL of their own instead of the VPC's default ACL, which CloudFormation cannot tag: tagged guardrails:protected, its entries and the subnets' association are denied to everyone but the administrators by the SCP protect-tagged-guardrail-resources. Its rules add no restriction the security groups lack (the VPC range, HTTPS out, replies in; never 22 or 3389 from anywhere); traffic is still governed by the security groups",
    })),
    {
      path: 'Network/Vpc/FlowLog/IAMRole/DefaultPolicy/Resource',
      ids: packRuleIds('IAMNoInlinePolicy'),
      reason: 'CDK grant policy of the VPC flow log role: writes to the one flow log group only, attached to that role alone and deleted with it',
    },
  ];
}
