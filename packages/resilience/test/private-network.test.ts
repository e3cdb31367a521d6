import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { EndpointService, PrivateNetwork, VpcSource } from '../lib';
import { ACCOUNT, OTHER_ACCOUNT, ZONES, existingVpc, newStack } from './helpers';

const INTERFACE_SERVICES = ['secretsmanager', 'kms', 'logs', 'kinesis-streams', 'sqs', 'sts'];

function endpointServiceNames(template: Template): string[] {
  return Object.values(template.findResources('AWS::EC2::VPCEndpoint')).map((r: any) => {
    const name = r.Properties.ServiceName;
    return typeof name === 'string' ? name : JSON.stringify(name);
  });
}

describe('created VPC', () => {
  test('isolated subnets only: no internet gateway, no NAT gateway, no public subnet, no route to the internet', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new PrivateNetwork(stack, 'Network', { vpcSource: VpcSource.create({ availabilityZones: ZONES }) });
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::EIP', 0);
    template.resourceCountIs('AWS::EC2::Subnet', 2);
    template.allResourcesProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false });
    template.resourceCountIs('AWS::EC2::Route', 0);
    template.hasResourceProperties('AWS::EC2::Subnet', { AvailabilityZone: 'eu-west-1a', CidrBlock: '10.0.0.0/25' });
  });

  test('flow logs of all traffic to a log group encrypted with the given key, retained', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'LogsKey');
    new PrivateNetwork(stack, 'Network', { vpcSource: VpcSource.create({ availabilityZones: ZONES, flowLogsKey: key }) });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::FlowLog', { ResourceType: 'VPC', TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('LogsKey'), 'Arn'] } },
      DeletionPolicy: 'Retain',
    });
  });

  test('names the flow log group as given, so the permissions boundary can protect it by name', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new PrivateNetwork(stack, 'Network', { vpcSource: VpcSource.create({ availabilityZones: ZONES, flowLogGroupName: '/guardrails/vpc-flow-logs' }) });
    // THEN
    const template = Template.fromStack(stack);
    const [logGroupId] = Object.keys(template.findResources('AWS::Logs::LogGroup', { Properties: { LogGroupName: '/guardrails/vpc-flow-logs' } }));
    expect(logGroupId).toBeDefined();
    template.hasResourceProperties('AWS::EC2::FlowLog', { LogGroupName: { Ref: logGroupId } });
  });

  test('leaves the flow log group name to CloudFormation by default (unchanged behaviour)', () => {
    const stack = newStack();
    new PrivateNetwork(stack, 'Network', { vpcSource: VpcSource.create({ availabilityZones: ZONES }) });
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: Match.absent() });
  });

  test.each([
    [
      'aws/vpc-flow-logs',
      /^TestStack\/Network: flowLogGroupName: received "aws\/vpc-flow-logs" \(17 characters\); expected .*not starting with 'aws\/' \(log group name\)/,
    ],
    ['/guardrails/vpc flow logs', /flowLogGroupName: received "\/guardrails\/vpc flow logs"/],
    ['/' + 'x'.repeat(512), /flowLogGroupName: received "\/x+" \(513 characters\); expected 1 to 512/],
  ])('fails if flowLogGroupName is %j, naming the prop, the value and the rule', (name, message) => {
    const stack = newStack();
    expect(() => new PrivateNetwork(stack, 'Network', { vpcSource: VpcSource.create({ availabilityZones: ZONES, flowLogGroupName: name }) })).toThrow(message);
  });

  test('no custom resource (whose Lambda would run outside the VPC) unless the default security group restriction is asked for', () => {
    const stack = newStack();
    new PrivateNetwork(stack, 'Network', { vpcSource: VpcSource.create({ availabilityZones: ZONES }) });
    Template.fromStack(stack).resourceCountIs('Custom::VpcRestrictDefaultSG', 0);

    const stack2 = newStack();
    new PrivateNetwork(stack2, 'Network', { vpcSource: VpcSource.create({ availabilityZones: ZONES, restrictDefaultSecurityGroup: true }) });
    Template.fromStack(stack2).resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
  });

  test('the private subnets use a network ACL of their own (taggable, unlike the default ACL): the VPC, HTTPS out, replies in, never 22 or 3389 from anywhere', () => {
    const stack = newStack();
    const network = new PrivateNetwork(stack, 'Network', { vpcSource: VpcSource.create({ availabilityZones: ZONES }) });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::NetworkAcl', 1);
    expect(network.networkAcl).toBeDefined();
    const aclId = Object.keys(template.findResources('AWS::EC2::NetworkAcl'))[0];
    // every private subnet moves off the default ACL
    const associations = Object.values(template.findResources('AWS::EC2::SubnetNetworkAclAssociation')) as any[];
    expect(associations.map((a) => a.Properties.NetworkAclId)).toEqual([{ Ref: aclId }, { Ref: aclId }]);
    expect(associations.map((a) => a.Properties.SubnetId.Ref).sort()).toEqual(Object.keys(template.findResources('AWS::EC2::Subnet')).sort());
    const entries = Object.values(template.findResources('AWS::EC2::NetworkAclEntry')) as any[];
    expect(entries.every((e) => e.Properties.RuleAction === 'allow' && e.Properties.NetworkAclId.Ref === aclId)).toBe(true);
    const fromAnywhere = entries.filter((e) => !e.Properties.Egress && e.Properties.CidrBlock === '0.0.0.0/0');
    expect(fromAnywhere.map((e) => [e.Properties.Protocol, e.Properties.PortRange])).toEqual([
      [6, { From: 1024, To: 3388 }],
      [6, { From: 3390, To: 65535 }],
    ]);
    const toAnywhere = entries.filter((e) => e.Properties.Egress && e.Properties.CidrBlock === '0.0.0.0/0');
    expect(toAnywhere.map((e) => [e.Properties.Protocol, e.Properties.PortRange])).toEqual([[6, { From: 443, To: 443 }]]);
    // within the VPC, all traffic both ways (endpoints, resolver)
    const inVpc = entries.filter((e) => e.Properties.CidrBlock?.['Fn::GetAtt']?.[1] === 'CidrBlock');
    expect(inVpc.map((e) => [e.Properties.Egress, e.Properties.Protocol]).sort()).toEqual([
      [false, -1],
      [true, -1],
    ]);
  });

  test('a custom range is split across the zones', () => {
    const stack = newStack();
    new PrivateNetwork(stack, 'Network', { vpcSource: VpcSource.create({ availabilityZones: ZONES, cidr: '10.20.0.0/22' }) });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.20.0.0/22' });
    template.hasResourceProperties('AWS::EC2::Subnet', { CidrBlock: '10.20.0.0/23' });
  });
});

describe('endpoints', () => {
  test('by default one interface endpoint per service with private DNS, in the private subnets, and the S3 gateway endpoint', () => {
    const stack = newStack();
    new PrivateNetwork(stack, 'Network', { vpcSource: VpcSource.create({ availabilityZones: ZONES }) });
    const template = Template.fromStack(stack);
    template.resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface', PrivateDnsEnabled: true }, 6);
    const names = endpointServiceNames(template);
    for (const svc of INTERFACE_SERVICES) expect(names).toContain(`com.amazonaws.eu-west-1.${svc}`);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('\\.s3$')])] }),
      RouteTableIds: Match.arrayWith([Match.objectLike({ Ref: Match.anyValue() })]),
    });
  });

  test('only the listed interface endpoints; no S3 gateway endpoint when switched off', () => {
    const stack = newStack();
    const network = new PrivateNetwork(stack, 'Network', {
      vpcSource: VpcSource.create({ availabilityZones: ZONES }),
      interfaceEndpoints: [EndpointService.SECRETS_MANAGER, EndpointService.KMS],
      s3GatewayEndpoint: false,
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 2);
    expect(network.s3Endpoint).toBeUndefined();
    expect(network.endpointFor(EndpointService.KMS)).toBeInstanceOf(ec2.InterfaceVpcEndpoint);
    expect(() => network.endpointFor(EndpointService.SQS)).toThrow(
      /^TestStack\/Network: endpointFor\(service\): received sqs, which has no interface endpoint; expected a service of interfaceEndpoints \(created: secretsmanager, kms\)$/,
    );
  });

  test('every endpoint policy allows only principals and resources of this account', () => {
    const stack = newStack();
    new PrivateNetwork(stack, 'Network', { vpcSource: VpcSource.create({ availabilityZones: ZONES }) });
    const endpoints = Template.fromStack(stack).findResources('AWS::EC2::VPCEndpoint');
    expect(Object.keys(endpoints)).toHaveLength(7);
    for (const endpoint of Object.values(endpoints) as any[]) {
      const statements = endpoint.Properties.PolicyDocument.Statement;
      expect(statements.length).toBeGreaterThanOrEqual(1);
      for (const statement of statements) {
        expect(statement.Effect).toBe('Allow');
        expect(statement.Condition.StringEquals['aws:PrincipalAccount']).toEqual(ACCOUNT);
        if (statement.Sid === 'ThisAccountPrincipalsOnThisAccountResources') {
          expect(statement.Condition.StringEquals['aws:ResourceAccount']).toEqual(ACCOUNT);
        } else {
          // The no-resource statement names its actions, never a service-wide wildcard.
          expect(statement.Sid).toBe('ThisAccountPrincipalsOnActionsWithoutResource');
          expect(JSON.stringify(statement.Action)).not.toContain('*');
        }
      }
    }
  });

  test('the Lambda endpoint (for registration hooks) is created only when listed, with the same account-scoped policy', () => {
    const stack = newStack();
    new PrivateNetwork(stack, 'Network', {
      vpcSource: VpcSource.create({ availabilityZones: ZONES }),
      interfaceEndpoints: [...EndpointService.all(), EndpointService.LAMBDA],
    });
    const template = Template.fromStack(stack);
    expect(endpointServiceNames(template)).toContain('com.amazonaws.eu-west-1.lambda');
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: 'com.amazonaws.eu-west-1.lambda',
      PolicyDocument: {
        Statement: [Match.objectLike({ Action: 'lambda:*', Condition: { StringEquals: { 'aws:PrincipalAccount': ACCOUNT, 'aws:ResourceAccount': ACCOUNT } } })],
      },
    });
    expect(EndpointService.all()).not.toContain(EndpointService.LAMBDA);
  });

  test('additional resource accounts are allowed as resource owners, never as callers', () => {
    const stack = newStack();
    new PrivateNetwork(stack, 'Network', {
      vpcSource: VpcSource.create({ availabilityZones: ZONES }),
      interfaceEndpoints: [EndpointService.KINESIS_STREAMS],
      s3GatewayEndpoint: false,
      additionalResourceAccounts: [OTHER_ACCOUNT],
    });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::VPCEndpoint', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: 'kinesis:*',
            Condition: { StringEquals: { 'aws:PrincipalAccount': ACCOUNT, 'aws:ResourceAccount': [ACCOUNT, OTHER_ACCOUNT] } },
          }),
        ],
      },
    });
  });
});

describe('security groups', () => {
  test('functions: HTTPS out only; endpoints: HTTPS in from the functions only, never from a CIDR', () => {
    const stack = newStack();
    const network = new PrivateNetwork(stack, 'Network', { vpcSource: VpcSource.create({ availabilityZones: ZONES }) });
    const template = Template.fromStack(stack);
    const fnSg = stack.resolve(network.functionSecurityGroup.securityGroupId);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Functions'),
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: Match.anyValue() }],
    });
    const endpointSg = template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^Interface') } });
    expect(Object.values(endpointSg)).toHaveLength(1);
    expect((Object.values(endpointSg)[0] as any).Properties.SecurityGroupIngress).toBeUndefined();
    template.resourcePropertiesCountIs(
      'AWS::EC2::SecurityGroupIngress',
      { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourceSecurityGroupId: { 'Fn::GetAtt': [fnSg['Fn::GetAtt'][0], 'GroupId'] } },
      1,
    );
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
  });

  test('allowEndpointAccessFrom opens HTTPS to the endpoints for another security group', () => {
    const stack = newStack();
    const network = new PrivateNetwork(stack, 'Network', { vpcSource: VpcSource.create({ availabilityZones: ZONES }) });
    const other = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Rotation', 'sg-0123456789abcdef0');
    network.allowEndpointAccessFrom(other);
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      SourceSecurityGroupId: 'sg-0123456789abcdef0',
      FromPort: 443,
      ToPort: 443,
    });
  });
});

describe('existing VPC', () => {
  test('no VPC is created; endpoints in the given subnets, without private DNS; no S3 gateway endpoint by default', () => {
    const stack = newStack();
    const network = new PrivateNetwork(stack, 'Network', { vpcSource: VpcSource.fromExisting(existingVpc()) });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.resourceCountIs('AWS::EC2::FlowLog', 0);
    // its subnets keep their own ACLs: the construct does not re-associate subnets it does not own
    template.resourceCountIs('AWS::EC2::NetworkAcl', 0);
    expect(network.networkAcl).toBeUndefined();
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Interface',
      VpcId: 'vpc-0123456789abcdef0',
      SubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'],
    });
    // The other workloads of the VPC keep resolving the services' public names: no endpoint takes them over.
    const interfaces = Object.values<any>(template.findResources('AWS::EC2::VPCEndpoint')).filter((r) => r.Properties.VpcEndpointType === 'Interface');
    expect(interfaces.map((r) => r.Properties.PrivateDnsEnabled)).toEqual(interfaces.map(() => false));
    // ... nor the route tables: no S3 gateway endpoint unless the route tables are dedicated.
    template.resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway' }, 0);
    expect(network.subnets.map((s) => s.subnetId)).toEqual(['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2']);
    expect(network.subnetSelection.subnets).toHaveLength(2);
  });

  test('the functions reach the endpoints by name: endpointEnvironment gives the SDK variables of every endpoint without private DNS', () => {
    const stack = newStack();
    const network = new PrivateNetwork(stack, 'Network', { vpcSource: VpcSource.fromExisting(existingVpc()) });
    const env = stack.resolve(network.endpointEnvironment());
    expect(Object.keys(env).sort()).toEqual([
      'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS',
      'AWS_ENDPOINT_URL_KINESIS',
      'AWS_ENDPOINT_URL_KMS',
      'AWS_ENDPOINT_URL_SECRETS_MANAGER',
      'AWS_ENDPOINT_URL_SQS',
      'AWS_ENDPOINT_URL_STS',
    ]);
    const sm = stack.getLogicalId(network.endpointFor(EndpointService.SECRETS_MANAGER).node.defaultChild as any);
    expect(env.AWS_ENDPOINT_URL_SECRETS_MANAGER).toEqual({
      'Fn::Join': ['', ['https://', { 'Fn::Select': [1, { 'Fn::Split': [':', { 'Fn::Select': [0, { 'Fn::GetAtt': [sm, 'DnsEntries'] }] }] }] }]],
    });
    // A created VPC: private DNS everywhere, nothing to point at.
    const created = new PrivateNetwork(newStack(), 'Network', { vpcSource: VpcSource.create({ availabilityZones: ZONES }) });
    expect(created.endpointEnvironment()).toEqual({});
  });

  test("private DNS for one service of an existing VPC (the hosted rotation's Secrets Manager): that endpoint admits the VPC range, the others only the functions", () => {
    const stack = newStack();
    const network = new PrivateNetwork(stack, 'Network', {
      vpcSource: VpcSource.fromExisting(existingVpc({ vpcCidrBlocks: ['10.20.0.0/16', '100.64.0.0/20', '2001:db8:1234::/56'] })),
      privateDnsServices: [EndpointService.SECRETS_MANAGER],
    });
    const template = Template.fromStack(stack).toJSON();
    const sm = template.Resources[stack.getLogicalId(network.endpointFor(EndpointService.SECRETS_MANAGER).node.defaultChild as any)];
    const kms = template.Resources[stack.getLogicalId(network.endpointFor(EndpointService.KMS).node.defaultChild as any)];
    expect(sm.Properties.PrivateDnsEnabled).toBe(true);
    expect(kms.Properties.PrivateDnsEnabled).toBe(false);
    const groupIds = (r: any) => r.Properties.SecurityGroupIds.map((g: any) => g['Fn::GetAtt'][0]);
    const [vpcGroup] = Object.entries<any>(template.Resources).find(
      ([, r]) => r.Type === 'AWS::EC2::SecurityGroup' && r.Properties.GroupDescription.includes('VPC range'),
    )!;
    expect(groupIds(sm)).toContain(vpcGroup);
    expect(groupIds(kms)).not.toContain(vpcGroup);
    // Every range of the VPC (a secondary block and IPv6 too): a range left out would lose the service.
    expect(template.Resources[vpcGroup].Properties.SecurityGroupIngress).toEqual([
      expect.objectContaining({ CidrIp: '10.20.0.0/16', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' }),
      expect.objectContaining({ CidrIp: '100.64.0.0/20', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' }),
      expect.objectContaining({ CidrIpv6: '2001:db8:1234::/56', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' }),
    ]);
    expect(Object.keys(stack.resolve(network.endpointEnvironment()))).not.toContain('AWS_ENDPOINT_URL_SECRETS_MANAGER');
  });

  test('the S3 gateway endpoint on route tables marked dedicated; without route table ids it stays off', () => {
    const stack = newStack();
    new PrivateNetwork(stack, 'Network', { vpcSource: VpcSource.fromExisting(existingVpc({ dedicatedRouteTables: true })), s3GatewayEndpoint: true });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      RouteTableIds: ['rtb-0aaaaaaaaaaaaaaa1', 'rtb-0bbbbbbbbbbbbbbb2'],
    });
    const plain = newStack();
    new PrivateNetwork(plain, 'Network', { vpcSource: VpcSource.fromExisting(existingVpc({ privateSubnetRouteTableIds: undefined })) });
    Template.fromStack(plain).resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway' }, 0);
  });
});

describe('validation', () => {
  const create = (stack: Stack, props: any) => () => new PrivateNetwork(stack, 'Network', props);

  test('fails if vpcSource is missing', () => {
    expect(create(newStack(), {})).toThrow(
      /^TestStack\/Network: vpcSource: received undefined; expected VpcSource\.create\(\{ availabilityZones \}\) or VpcSource\.fromExisting\(\{ vpcId, \.\.\. \}\)$/,
    );
  });
  test('fails if no availability zone is named', () => {
    expect(create(newStack(), { vpcSource: VpcSource.create({ availabilityZones: [] }) })).toThrow(
      /^TestStack\/Network: availabilityZones: received no zone; expected at least one zone \(two or more for availability\)/,
    );
  });
  test("fails if a zone is not in the stack's region", () => {
    expect(create(newStack(), { vpcSource: VpcSource.create({ availabilityZones: ['us-east-1a'] }) })).toThrow(
      /^TestStack\/Network: availabilityZones: received "us-east-1a"; expected an availability zone name of the stack's region eu-west-1, e\.g\. "eu-west-1a"$/,
    );
  });
  test('fails if a zone is listed twice', () => {
    expect(create(newStack(), { vpcSource: VpcSource.create({ availabilityZones: ['eu-west-1a', 'eu-west-1a'] }) })).toThrow(
      /^TestStack\/Network: availabilityZones: received "eu-west-1a" twice; expected each value once$/,
    );
  });
  test('fails if the range is not an IPv4 CIDR from /16 to /26', () => {
    expect(create(newStack(), { vpcSource: VpcSource.create({ availabilityZones: ZONES, cidr: '10.0.0.0/8' }) })).toThrow(
      /^TestStack\/Network: cidr: received "10\.0\.0\.0\/8"; expected an IPv4 range from \/16 to \/26$/,
    );
    expect(create(newStack(), { vpcSource: VpcSource.create({ availabilityZones: ZONES, cidr: '10.0.0.300/24' }) })).toThrow(
      /^TestStack\/Network: cidr: received "10\.0\.0\.300\/24"; expected/,
    );
  });
  test('fails if an id of the existing VPC is malformed', () => {
    expect(create(newStack(), { vpcSource: VpcSource.fromExisting(existingVpc({ vpcId: 'my-vpc' })) })).toThrow(
      /^TestStack\/Network: vpcId: received "my-vpc"; expected an id like vpc-0123456789abcdef0$/,
    );
    expect(create(newStack(), { vpcSource: VpcSource.fromExisting(existingVpc({ privateSubnetIds: ['subnet-1', 'subnet-0bbbbbbbbbbbbbbb2'] })) })).toThrow(
      /^TestStack\/Network: privateSubnetIds: received "subnet-1"; expected an id like subnet-/,
    );
  });
  test('fails if the subnets are not a multiple of the zones', () => {
    expect(
      create(newStack(), {
        vpcSource: VpcSource.fromExisting(
          existingVpc({ privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1'], privateSubnetRouteTableIds: ['rtb-0aaaaaaaaaaaaaaa1'] }),
        ),
      }),
    ).toThrow(
      /^TestStack\/Network: privateSubnetIds: received 1 subnets for 2 availability zones; expected a number of subnets that is a multiple of the number of zones/,
    );
  });
  test('fails if the S3 gateway endpoint has no route tables', () => {
    expect(
      create(newStack(), {
        vpcSource: VpcSource.fromExisting(existingVpc({ privateSubnetRouteTableIds: undefined, dedicatedRouteTables: true })),
        s3GatewayEndpoint: true,
      }),
    ).toThrow(
      /^TestStack\/Network: privateSubnetRouteTableIds: received 0 route tables for 2 subnets; expected the route table of each private subnet, which the S3 gateway endpoint needs\. Or set s3GatewayEndpoint: false$/,
    );
  });
  test('fails on the S3 gateway endpoint in an existing VPC whose route tables are not dedicated', () => {
    expect(create(newStack(), { vpcSource: VpcSource.fromExisting(existingVpc()), s3GatewayEndpoint: true })).toThrow(
      /^TestStack\/Network: s3GatewayEndpoint: received true for an existing VPC whose route tables are not marked dedicatedRouteTables; expected false \(the default\), or dedicatedRouteTables: true/,
    );
  });
  test('fails on private DNS in an existing VPC without its range, on a bad range, or for a service without an endpoint', () => {
    expect(create(newStack(), { vpcSource: VpcSource.fromExisting(existingVpc()), privateDnsServices: [EndpointService.SECRETS_MANAGER] })).toThrow(
      /^TestStack\/Network: privateDnsServices: received secretsmanager for an existing VPC without vpcCidrBlocks; expected every range of the VPC in vpcCidrBlocks/,
    );
    expect(
      create(newStack(), {
        vpcSource: VpcSource.fromExisting(existingVpc({ vpcCidrBlocks: ['10.0.0/16'] })),
        privateDnsServices: [EndpointService.SECRETS_MANAGER],
      }),
    ).toThrow(/^TestStack\/Network: vpcCidrBlocks: received "10\.0\.0\/16"; expected an IPv4 or IPv6 range/);
    expect(
      create(newStack(), {
        vpcSource: VpcSource.create({ availabilityZones: ZONES }),
        interfaceEndpoints: [EndpointService.KMS],
        privateDnsServices: [EndpointService.SQS],
      }),
    ).toThrow(/^TestStack\/Network: privateDnsServices: received sqs; expected one of interfaceEndpoints \(kms\)$/);
  });
  test('fails if an additional resource account is not an account id', () => {
    expect(create(newStack(), { vpcSource: VpcSource.create({ availabilityZones: ZONES }), additionalResourceAccounts: ['1234'] })).toThrow(
      /^TestStack\/Network: additionalResourceAccounts: received "1234"; expected a 12-digit AWS account id$/,
    );
  });
  test('fails if an interface endpoint is listed twice', () => {
    expect(
      create(newStack(), { vpcSource: VpcSource.create({ availabilityZones: ZONES }), interfaceEndpoints: [EndpointService.SQS, EndpointService.SQS] }),
    ).toThrow(/^TestStack\/Network: interfaceEndpoints: received "sqs" twice; expected each value once$/);
  });
});
