import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { EndpointService } from './endpoint-service';
import { endpointPolicyStatements, s3EndpointPolicyStatements } from './private/endpoint-policy';
import { failIfDuplicated, isAccountId } from './private/validation';

/** Options of a VPC that `PrivateNetwork` creates. */
export interface NewVpcOptions {
  /**
   * Availability zones of the subnets, by name (for example `['eu-west-1a', 'eu-west-1b']`).
   * Named explicitly so that synth needs no context lookup. Two or more keep the functions and
   * the endpoints available when one zone fails.
   */
  readonly availabilityZones: string[];

  /**
   * IPv4 range of the VPC, split evenly into one isolated subnet per availability zone.
   * Each interface endpoint uses one address per zone, each function one or more.
   *
   * @default '10.0.0.0/24'
   */
  readonly cidr?: string;

  /**
   * Key that encrypts the VPC flow log group (its key policy must allow
   * `logs.<region>.amazonaws.com`, as the logs key of `@cdk-guardrails/kms-hierarchy` does).
   *
   * @default - CloudWatch Logs' own encryption
   */
  readonly flowLogsKey?: kms.IKey;

  /**
   * Retention of the flow log group.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly flowLogRetention?: logs.RetentionDays;

  /**
   * Remove every rule of the VPC's default security group. CDK does this with a custom resource
   * whose Lambda function runs outside the VPC, so it is off by default: nothing in this
   * construct uses the default security group (every resource gets its own).
   *
   * @default false
   */
  readonly restrictDefaultSecurityGroup?: boolean;
}

/** Ids of an existing VPC (no lookups: every id comes from configuration). */
export interface ExistingVpcAttributes {
  /** The VPC id, `vpc-...`. */
  readonly vpcId: string;
  /** Availability zones of the private subnets, by name. */
  readonly availabilityZones: string[];
  /**
   * Private subnets for the functions and the interface endpoints: subnets without a route to
   * an internet or NAT gateway. A multiple of the number of availability zones, in zone order.
   */
  readonly privateSubnetIds: string[];
  /**
   * Route table of each private subnet (same order), where the S3 gateway endpoint adds its
   * route.
   *
   * @default - no route table ids: only allowed with `s3GatewayEndpoint: false`
   */
  readonly privateSubnetRouteTableIds?: string[];
}

/**
 * Where the private network lives: a minimal VPC created here, or an existing VPC described by
 * ids.
 */
export class VpcSource {
  /**
   * Create a VPC with isolated subnets only: no internet gateway, no NAT gateway, no public
   * subnet, flow logs on.
   */
  public static create(options: NewVpcOptions): VpcSource {
    return new VpcSource(options, undefined);
  }

  /** Use an existing VPC, from ids. */
  public static fromExisting(attributes: ExistingVpcAttributes): VpcSource {
    return new VpcSource(undefined, attributes);
  }

  /** Options of the VPC to create, when created. */
  public readonly newVpc?: NewVpcOptions;
  /** Ids of the existing VPC, when imported. */
  public readonly existingVpc?: ExistingVpcAttributes;

  private constructor(newVpc: NewVpcOptions | undefined, existingVpc: ExistingVpcAttributes | undefined) {
    this.newVpc = newVpc;
    this.existingVpc = existingVpc;
  }
}

/** Properties of a PrivateNetwork. */
export interface PrivateNetworkProps {
  /** A new minimal VPC or an existing one. */
  readonly vpcSource: VpcSource;

  /**
   * Interface endpoints to create. Leave out a service whose endpoint (with private DNS)
   * already exists in an existing VPC: a VPC can hold only one private DNS name per service.
   *
   * @default EndpointService.all(): Secrets Manager, KMS, CloudWatch Logs, Kinesis Data Streams, SQS, STS
   */
  readonly interfaceEndpoints?: EndpointService[];

  /**
   * Create the S3 gateway endpoint (free; adds a route to the private subnets' route tables).
   *
   * @default true
   */
  readonly s3GatewayEndpoint?: boolean;

  /**
   * Accounts, besides this one, whose resources this account's principals may reach through the
   * endpoints (for example a central security account whose Kinesis stream or secret they use).
   *
   * @default - only this account's resources
   */
  readonly additionalResourceAccounts?: string[];

  /**
   * Removal policy of the flow log group of a created VPC.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Private subnets with no route to the internet, reaching AWS only through VPC endpoints whose
 * policies allow principals of this account on resources of this account, and a security group
 * for the functions placed there.
 *
 * - created VPC: isolated subnets only (no internet gateway, no NAT), flow logs to an
 *   (optionally KMS-encrypted) log group; or an existing VPC from ids (no lookups)
 * - interface endpoints (private DNS on) in one subnet per zone, behind a security group that
 *   accepts HTTPS from the functions' security group only
 * - S3 gateway endpoint on the private subnets' route tables
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
  /** Accounts whose resources the endpoints allow (this account first). */
  public readonly resourceAccounts: string[];

  private readonly endpoints = new Map<EndpointService, ec2.InterfaceVpcEndpoint>();

  constructor(scope: Construct, id: string, props: PrivateNetworkProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const services = props.interfaceEndpoints ?? EndpointService.all();
    const withS3 = props.s3GatewayEndpoint ?? true;
    const extraAccounts = props.additionalResourceAccounts ?? [];
    validate(this, props, services, withS3, extraAccounts, stack.region);

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
    this.functionSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to the VPC endpoints and the S3 gateway endpoint (no internet route)');

    this.endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'Interface VPC endpoints: HTTPS from the functions only',
      allowAllOutbound: false,
    });
    this.endpointSecurityGroup.addIngressRule(this.functionSecurityGroup, ec2.Port.tcp(443), 'HTTPS from the functions');

    this.resourceAccounts = [stack.account, ...extraAccounts];
    for (const service of services) {
      const endpoint = new ec2.InterfaceVpcEndpoint(this, `${service.id}Endpoint`, {
        vpc: this.vpc,
        service: service.service,
        subnets: { subnets: this.subnets, onePerAz: true },
        securityGroups: [this.endpointSecurityGroup],
        // Only the security group's rules: never the whole VPC range.
        open: false,
        privateDnsEnabled: true,
      });
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

  /** The subnet selection to place a function in these subnets. */
  public get subnetSelection(): ec2.SubnetSelection {
    return { subnets: this.subnets };
  }

  /** The interface endpoint of a service; fails if it was not created. */
  public endpointFor(service: EndpointService): ec2.InterfaceVpcEndpoint {
    const endpoint = this.endpoints.get(service);
    if (!endpoint) {
      throw new Error(`${this.node.path}: no interface endpoint for ${service.actionPrefix}; created: ${[...this.endpoints.keys()].map((s) => s.actionPrefix).join(', ') || 'none'}`);
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

function validate(scope: Construct, props: PrivateNetworkProps, services: EndpointService[], withS3: boolean, extraAccounts: string[], region: string): void {
  const fail = (msg: string): never => {
    throw new Error(`${scope.node.path}: ${msg}`);
  };
  const source = props.vpcSource;
  if (source === undefined || (source.newVpc === undefined && source.existingVpc === undefined)) {
    fail('vpcSource is required: VpcSource.create({ availabilityZones }) or VpcSource.fromExisting({ vpcId, ... }), received undefined');
  }
  failIfDuplicated(scope, 'interfaceEndpoints', services.map((s) => s.actionPrefix));
  for (const account of extraAccounts) {
    if (!Token.isUnresolved(account) && !isAccountId(account)) fail(`additionalResourceAccounts: ${JSON.stringify(account)} is not a 12-digit AWS account id`);
  }
  failIfDuplicated(scope, 'additionalResourceAccounts', extraAccounts);
  const zones = source.newVpc?.availabilityZones ?? source.existingVpc?.availabilityZones ?? [];
  if (zones.length === 0) fail('availabilityZones lists no zone: name at least one (two or more for availability), e.g. ["eu-west-1a", "eu-west-1b"]');
  failIfDuplicated(scope, 'availabilityZones', zones);
  for (const zone of zones) {
    if (Token.isUnresolved(zone)) continue;
    if (!Token.isUnresolved(region) ? !(zone.startsWith(region) && /^[a-z]$/.test(zone.slice(region.length))) : !/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/.test(zone)) {
      fail(`availabilityZones: ${JSON.stringify(zone)} is not an availability zone name of the stack's region ${region} (expected e.g. "${Token.isUnresolved(region) ? 'eu-west-1' : region}a")`);
    }
  }
  if (source.newVpc) {
    const cidr = source.newVpc.cidr ?? DEFAULT_CIDR;
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
    if (!Token.isUnresolved(cidr) && (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) < 16 || Number(m[5]) > 26)) {
      fail(`cidr must be an IPv4 range from /16 to /26, received ${JSON.stringify(cidr)}`);
    }
    return;
  }
  const attrs = source.existingVpc!;
  const check = (prop: string, value: string, pattern: RegExp, example: string) => {
    if (!Token.isUnresolved(value) && !pattern.test(value)) fail(`${prop}: received ${JSON.stringify(value)}; expected an id like ${example}`);
  };
  check('vpcId', attrs.vpcId, /^vpc-[0-9a-f]{8,17}$/, 'vpc-0123456789abcdef0');
  if (attrs.privateSubnetIds.length === 0) fail('privateSubnetIds lists no subnet');
  for (const id of attrs.privateSubnetIds) check('privateSubnetIds', id, /^subnet-[0-9a-f]{8,17}$/, 'subnet-0123456789abcdef0');
  failIfDuplicated(scope, 'privateSubnetIds', attrs.privateSubnetIds);
  if (attrs.privateSubnetIds.length % zones.length !== 0) {
    fail(`privateSubnetIds lists ${attrs.privateSubnetIds.length} subnets for ${zones.length} availability zones; the number of subnets must be a multiple of the number of zones (in zone order)`);
  }
  const routeTables = attrs.privateSubnetRouteTableIds ?? [];
  for (const id of routeTables) check('privateSubnetRouteTableIds', id, /^rtb-[0-9a-f]{8,17}$/, 'rtb-0123456789abcdef0');
  if (withS3 && routeTables.length !== attrs.privateSubnetIds.length) {
    fail(`privateSubnetRouteTableIds lists ${routeTables.length} route tables for ${attrs.privateSubnetIds.length} subnets: the S3 gateway endpoint needs the route table of each private subnet (or set s3GatewayEndpoint: false)`);
  }
}
