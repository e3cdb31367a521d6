import { Fn, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { EndpointService } from './endpoint-service';
import { endpointPolicyStatements, s3EndpointPolicyStatements } from './private/endpoint-policy';
import { propError } from './private/errors';
import { LOG_GROUP_NAME, validateName } from './private/resource-names';
import { failIfDuplicated, isAccountId } from './private/validation';
import { PrivateNetworkProps } from './private-network-props';

/**
 * Private subnets with no route to the internet, reaching AWS only through VPC endpoints whose
 * policies allow principals of this account on resources of this account, and a security group
 * for the functions placed there.
 *
 * - created VPC: isolated subnets only (no internet gateway, no NAT), flow logs to an
 *   (optionally KMS-encrypted) log group; or an existing VPC from ids (no lookups)
 * - interface endpoints in one subnet per zone, behind a security group that accepts HTTPS from
 *   the functions' security group only; private DNS on in a created VPC, off in an existing VPC
 *   (its other workloads keep their own access to AWS; the functions get the endpoint names
 *   through `endpointEnvironment()`), except for `privateDnsServices`
 * - S3 gateway endpoint on the private subnets' route tables (a created VPC's; an existing VPC's
 *   only when they are marked dedicated)
 * - every endpoint policy: `aws:PrincipalAccount` = this account and `aws:ResourceAccount` =
 *   this account (plus `additionalResourceAccounts`)
 *
 * Place a function with `vpc`, `vpcSubnets: { subnets: network.subnets }` and
 * `securityGroups: [network.functionSecurityGroup]`.
 */
export class PrivateNetwork extends Construct {
  /** The VPC. */
  public readonly vpc: ec2.IVpc;
  /** The private subnets of the functions and the endpoints. */
  public readonly subnets: ec2.ISubnet[];
  /** Security group for the functions: HTTPS out only. */
  public readonly functionSecurityGroup: ec2.SecurityGroup;
  /** Security group of the interface endpoints: HTTPS in from the functions only. */
  public readonly endpointSecurityGroup: ec2.SecurityGroup;
  /** The S3 gateway endpoint, when created. */
  public readonly s3Endpoint?: ec2.GatewayVpcEndpoint;
  /** Flow log group of a created VPC. */
  public readonly flowLogGroup?: logs.ILogGroup;
  /**
   * The network ACL of the private subnets of a created VPC (none for an existing VPC: its
   * subnets keep their ACLs).
   */
  public readonly networkAcl?: ec2.NetworkAcl;
  /** Accounts whose resources the endpoints allow (this account first). */
  public readonly resourceAccounts: string[];

  private readonly endpoints = new Map<EndpointService, ec2.InterfaceVpcEndpoint>();
  private readonly endpointUrls = new Map<string, string>();

  constructor(scope: Construct, id: string, props: PrivateNetworkProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const services = props.interfaceEndpoints ?? EndpointService.all();
    const existing = props.vpcSource?.existingVpc !== undefined;
    const withS3 = props.s3GatewayEndpoint ?? !existing;
    const privateDns = props.privateDnsServices ?? (existing ? [] : services);
    const extraAccounts = props.additionalResourceAccounts ?? [];
    validate(this, props, services, withS3, extraAccounts, stack.region, privateDns);

    if (props.vpcSource.newVpc) {
      const options = props.vpcSource.newVpc;
      const vpc = new ec2.Vpc(this, 'Vpc', {
        ipAddresses: ec2.IpAddresses.cidr(options.cidr ?? DEFAULT_CIDR),
        availabilityZones: options.availabilityZones,
        natGateways: 0,
        createInternetGateway: false,
        subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
        restrictDefaultSecurityGroup: options.restrictDefaultSecurityGroup ?? false,
      });
      const flowLogGroup = new logs.LogGroup(this, 'FlowLogGroup', {
        logGroupName: options.flowLogGroupName,
        retention: options.flowLogRetention ?? logs.RetentionDays.ONE_YEAR,
        encryptionKey: options.flowLogsKey,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      });
      vpc.addFlowLog('FlowLog', {
        destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup),
        trafficType: ec2.FlowLogTrafficType.ALL,
      });
      this.flowLogGroup = flowLogGroup;
      this.vpc = vpc;
      this.subnets = vpc.isolatedSubnets;
      this.networkAcl = privateNetworkAcl(this, vpc, this.subnets);
    } else {
      const attrs = props.vpcSource.existingVpc!;
      this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
        vpcId: attrs.vpcId,
        availabilityZones: attrs.availabilityZones,
        privateSubnetIds: attrs.privateSubnetIds,
        privateSubnetRouteTableIds: attrs.privateSubnetRouteTableIds,
      });
      this.subnets = this.vpc.privateSubnets;
    }

    this.functionSecurityGroup = new ec2.SecurityGroup(this, 'FunctionSecurityGroup', {
      vpc: this.vpc,
      description: 'Functions in the private subnets: HTTPS to the VPC endpoints only',
      allowAllOutbound: false,
    });
    // The subnets have no route to the internet: HTTPS to any address reaches only the
    // interface endpoints (in the VPC) and S3 through the gateway endpoint, whose prefix list id
    // cannot be known at synth without a lookup.
    this.functionSecurityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'HTTPS to the VPC endpoints and the S3 gateway endpoint (no internet route)',
    );

    this.endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'Interface VPC endpoints: HTTPS from the functions only',
      allowAllOutbound: false,
    });
    this.endpointSecurityGroup.addIngressRule(this.functionSecurityGroup, ec2.Port.tcp(443), 'HTTPS from the functions');

    // An existing VPC's workloads reach the services with private DNS through these endpoints: admitted
    // by a group of their own (the other endpoints stay reachable from the functions only).
    const vpcRange =
      existing && privateDns.length > 0
        ? new ec2.SecurityGroup(this, 'VpcEndpointSecurityGroup', {
            vpc: this.vpc,
            description: 'Interface VPC endpoints with private DNS in an existing VPC: HTTPS from the VPC range',
            allowAllOutbound: false,
          })
        : undefined;
    for (const range of vpcRange ? (props.vpcSource.existingVpc?.vpcCidrBlocks ?? []) : []) {
      vpcRange?.addIngressRule(
        range.includes(':') ? ec2.Peer.ipv6(range) : ec2.Peer.ipv4(range),
        ec2.Port.tcp(443),
        'HTTPS from the VPC (private DNS sends its calls here)',
      );
    }

    this.resourceAccounts = [stack.account, ...extraAccounts];
    for (const service of services) {
      const dns = privateDns.includes(service);
      const endpoint = new ec2.InterfaceVpcEndpoint(this, `${service.id}Endpoint`, {
        vpc: this.vpc,
        service: service.service,
        subnets: { subnets: this.subnets, onePerAz: true },
        securityGroups: dns && vpcRange ? [this.endpointSecurityGroup, vpcRange] : [this.endpointSecurityGroup],
        // Only the security groups' rules: never the whole VPC range by default.
        open: false,
        privateDnsEnabled: dns,
      });
      if (!dns) {
        // The endpoint's regional DNS name (the first entry, "<hosted zone id>:<name>").
        this.endpointUrls.set(
          `AWS_ENDPOINT_URL_${SDK_SERVICE_IDS[service.actionPrefix] ?? service.actionPrefix.toUpperCase()}`,
          Fn.join('', ['https://', Fn.select(1, Fn.split(':', Fn.select(0, endpoint.vpcEndpointDnsEntries)))]),
        );
      }
      for (const statement of endpointPolicyStatements(service.actionPrefix, service.actionsWithoutResource, stack.account, this.resourceAccounts)) {
        endpoint.addToPolicy(statement);
      }
      this.endpoints.set(service, endpoint);
    }

    if (withS3) {
      const s3Endpoint = new ec2.GatewayVpcEndpoint(this, 'S3Endpoint', {
        vpc: this.vpc,
        service: ec2.GatewayVpcEndpointAwsService.S3,
        subnets: [{ subnets: this.subnets }],
      });
      for (const statement of s3EndpointPolicyStatements(stack.account, this.resourceAccounts)) {
        s3Endpoint.addToPolicy(statement);
      }
      this.s3Endpoint = s3Endpoint;
    }
  }

  /**
   * The environment variables that point the AWS SDKs (JavaScript v3, Python botocore, Java v2, the
   * CLI) at the endpoints without private DNS: `AWS_ENDPOINT_URL_<SERVICE>` = `https://<endpoint DNS
   * name>`. Add them to every function placed in the network (the apps do, with an aspect). Empty
   * when every endpoint has private DNS.
   */
  public endpointEnvironment(): { [name: string]: string } {
    return Object.fromEntries(this.endpointUrls);
  }

  /** The subnet selection to place a function in these subnets. */
  public get subnetSelection(): ec2.SubnetSelection {
    return { subnets: this.subnets };
  }

  /** The interface endpoint of a service; fails if it was not created. */
  public endpointFor(service: EndpointService): ec2.InterfaceVpcEndpoint {
    const endpoint = this.endpoints.get(service);
    if (!endpoint) {
      throw propError(
        this,
        'endpointFor(service)',
        `${service.actionPrefix}, which has no interface endpoint`,
        `a service of interfaceEndpoints (created: ${[...this.endpoints.keys()].map((s) => s.actionPrefix).join(', ') || 'none'})`,
      );
    }
    return endpoint;
  }

  /**
   * Allow HTTPS to the interface endpoints from another security group, for example the hosted
   * database rotation function (`rotation.hostedRotation`) when it runs in this VPC with its own
   * security group.
   */
  public allowEndpointAccessFrom(peer: ec2.IConnectable): void {
    this.endpointSecurityGroup.connections.allowFrom(peer, ec2.Port.tcp(443), 'HTTPS to the VPC endpoints');
  }
}

const DEFAULT_CIDR = '10.0.0.0/24';

/** An IPv4 range (10.0.0.0/16) or an IPv6 range (2001:db8::/56). */
const CIDR = /^(\d{1,3}(\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+:[0-9a-fA-F:]*\/\d{1,3})$/;

/** The SDKs' service ids as `AWS_ENDPOINT_URL_<ID>` spells them (upper case, spaces as '_'), by IAM action prefix. */
const SDK_SERVICE_IDS: Record<string, string> = {
  secretsmanager: 'SECRETS_MANAGER',
  kms: 'KMS',
  logs: 'CLOUDWATCH_LOGS',
  kinesis: 'KINESIS',
  sqs: 'SQS',
  sts: 'STS',
  lambda: 'LAMBDA',
};

/**
 * A network ACL of our own for the private subnets, instead of the VPC's default one. The rules
 * admit what the default ACL would for this network, and no more toward the internet: everything
 * within the VPC (functions, interface endpoints, the resolver), HTTPS out to S3 through the
 * gateway endpoint, and the replies to it on the ephemeral ports (the ACL is stateless). Ports 22
 * and 3389 are never open from 0.0.0.0/0 (Security Hub EC2.21), hence the split range.
 *
 * Why not the default ACL: CloudFormation cannot tag it, so whoever may edit ACL entries in the
 * account could deny the guardrail functions' traffic there unseen by a tag-based SCP. This ACL
 * and the subnets carry the tags of the construct tree (`guardrails:protected` in the apps), and
 * moving a subnet to another ACL (`ReplaceNetworkAclAssociation`) is authorized on the subnet too.
 */
function privateNetworkAcl(scope: Construct, vpc: ec2.Vpc, subnets: ec2.ISubnet[]): ec2.NetworkAcl {
  const acl = new ec2.NetworkAcl(scope, 'NetworkAcl', { vpc, subnetSelection: { subnets } });
  const rules: Array<[string, number, ec2.TrafficDirection, ec2.AclCidr, ec2.AclTraffic]> = [
    ['InFromVpc', 100, ec2.TrafficDirection.INGRESS, ec2.AclCidr.ipv4(vpc.vpcCidrBlock), ec2.AclTraffic.allTraffic()],
    ['InRepliesLow', 110, ec2.TrafficDirection.INGRESS, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.tcpPortRange(1024, 3388)],
    ['InRepliesHigh', 120, ec2.TrafficDirection.INGRESS, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.tcpPortRange(3390, 65535)],
    ['OutToVpc', 100, ec2.TrafficDirection.EGRESS, ec2.AclCidr.ipv4(vpc.vpcCidrBlock), ec2.AclTraffic.allTraffic()],
    ['OutHttps', 110, ec2.TrafficDirection.EGRESS, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.tcpPort(443)],
  ];
  for (const [id, ruleNumber, direction, cidr, traffic] of rules) {
    acl.addEntry(id, { ruleNumber, direction, cidr, traffic, ruleAction: ec2.Action.ALLOW });
  }
  return acl;
}

function validate(
  scope: Construct,
  props: PrivateNetworkProps,
  services: EndpointService[],
  withS3: boolean,
  extraAccounts: string[],
  region: string,
  privateDns: EndpointService[],
): void {
  const fail = (prop: string, received: string, expected: string, fix?: string): never => {
    throw propError(scope, prop, received, expected, fix);
  };
  const source = props.vpcSource;
  if (source === undefined || (source.newVpc === undefined && source.existingVpc === undefined)) {
    fail('vpcSource', 'undefined', 'VpcSource.create({ availabilityZones }) or VpcSource.fromExisting({ vpcId, ... })');
  }
  failIfDuplicated(
    scope,
    'interfaceEndpoints',
    services.map((s) => s.actionPrefix),
  );
  for (const service of privateDns) {
    if (!services.includes(service))
      fail('privateDnsServices', service.actionPrefix, `one of interfaceEndpoints (${services.map((s) => s.actionPrefix).join(', ') || 'none'})`);
  }
  for (const account of extraAccounts) {
    if (!Token.isUnresolved(account) && !isAccountId(account)) fail('additionalResourceAccounts', JSON.stringify(account), 'a 12-digit AWS account id');
  }
  failIfDuplicated(scope, 'additionalResourceAccounts', extraAccounts);
  const zones = source.newVpc?.availabilityZones ?? source.existingVpc?.availabilityZones ?? [];
  if (zones.length === 0) {
    fail('availabilityZones', 'no zone', 'at least one zone (two or more for availability), e.g. ["eu-west-1a", "eu-west-1b"]');
  }
  failIfDuplicated(scope, 'availabilityZones', zones);
  for (const zone of zones) {
    if (Token.isUnresolved(zone)) continue;
    if (!Token.isUnresolved(region) ? !(zone.startsWith(region) && /^[a-z]$/.test(zone.slice(region.length))) : !/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/.test(zone)) {
      fail(
        'availabilityZones',
        JSON.stringify(zone),
        `an availability zone name of the stack's region ${region}, e.g. "${Token.isUnresolved(region) ? 'eu-west-1' : region}a"`,
      );
    }
  }
  if (source.newVpc) {
    validateName(scope, 'flowLogGroupName', source.newVpc.flowLogGroupName, LOG_GROUP_NAME);
    const cidr = source.newVpc.cidr ?? DEFAULT_CIDR;
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
    if (!Token.isUnresolved(cidr) && (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) < 16 || Number(m[5]) > 26)) {
      fail('cidr', JSON.stringify(cidr), 'an IPv4 range from /16 to /26');
    }
    return;
  }
  const attrs = source.existingVpc!;
  const check = (prop: string, value: string, pattern: RegExp, example: string) => {
    if (!Token.isUnresolved(value) && !pattern.test(value)) fail(prop, JSON.stringify(value), `an id like ${example}`);
  };
  check('vpcId', attrs.vpcId, /^vpc-[0-9a-f]{8,17}$/, 'vpc-0123456789abcdef0');
  if (attrs.privateSubnetIds.length === 0) fail('privateSubnetIds', 'no subnet', 'at least one private subnet id');
  for (const id of attrs.privateSubnetIds) check('privateSubnetIds', id, /^subnet-[0-9a-f]{8,17}$/, 'subnet-0123456789abcdef0');
  failIfDuplicated(scope, 'privateSubnetIds', attrs.privateSubnetIds);
  if (attrs.privateSubnetIds.length % zones.length !== 0) {
    fail(
      'privateSubnetIds',
      `${attrs.privateSubnetIds.length} subnets for ${zones.length} availability zones`,
      'a number of subnets that is a multiple of the number of zones (in zone order)',
    );
  }
  const routeTables = attrs.privateSubnetRouteTableIds ?? [];
  for (const id of routeTables) check('privateSubnetRouteTableIds', id, /^rtb-[0-9a-f]{8,17}$/, 'rtb-0123456789abcdef0');
  if (withS3 && !attrs.dedicatedRouteTables) {
    fail(
      's3GatewayEndpoint',
      'true for an existing VPC whose route tables are not marked dedicatedRouteTables',
      'false (the default), or dedicatedRouteTables: true where only these private subnets use the route tables ' +
        "(the endpoint's route and policy apply to every subnet of a route table and would cut other workloads off other accounts' buckets: " +
        'ECR image layers, OS package repositories)',
    );
  }
  if (privateDns.length > 0) {
    const ranges = attrs.vpcCidrBlocks ?? [];
    if (ranges.length === 0) {
      fail(
        'privateDnsServices',
        `${privateDns.map((s) => s.actionPrefix).join(', ')} for an existing VPC without vpcCidrBlocks`,
        'every range of the VPC in vpcCidrBlocks (every workload of the VPC then calls those services through the endpoints, which must admit it), or no private DNS',
      );
    }
    for (const cidr of ranges) {
      if (!Token.isUnresolved(cidr) && !CIDR.test(cidr))
        fail('vpcCidrBlocks', JSON.stringify(cidr), 'an IPv4 or IPv6 range such as 10.0.0.0/16 or 2001:db8::/56');
    }
  }
  if (withS3 && routeTables.length !== attrs.privateSubnetIds.length) {
    fail(
      'privateSubnetRouteTableIds',
      `${routeTables.length} route tables for ${attrs.privateSubnetIds.length} subnets`,
      'the route table of each private subnet, which the S3 gateway endpoint needs',
      'Or set s3GatewayEndpoint: false',
    );
  }
}
