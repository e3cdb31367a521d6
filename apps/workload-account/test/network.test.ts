/**
 * The network mode (config network.privateFunctions): with it on (prod), every Lambda function the
 * workload app creates runs in private subnets without an internet route, behind VPC endpoints
 * whose policies refuse other accounts' resources; with it off (dev), no VPC is created.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '@cdk-guardrails/app-kit';
import { functionLocations, GUARDRAIL_NAMES, loadConfig, parseConfig, rotationFunctionName } from '@cdk-guardrails/config';
import { ALLOW_EVERYTHING, evaluateThroughEndpoint, PolicyJson, resolveIntrinsics } from '@cdk-guardrails/policy-test-kit';
import { Annotations, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildWorkloadApp } from '../src/workload-app';

const CONFIG_DIR = join(__dirname, '..', '..', '..', 'config');

function synth(env: string, config = loadConfig(env, { configDir: CONFIG_DIR })) {
  const app = createApp({ context: { env } });
  const stacks = buildWorkloadApp(app, config);
  return { config, app, stacks, byName: new Map(stacks.map((s) => [s.stackName, s])) };
}

const prod = synth('prod');
const template = (name: string) => Template.fromStack(prod.byName.get(name)!);

describe('network mode on (prod)', () => {
  const stacksWithFunctions = ['prod-workload-payments-eu-west-1', 'prod-workload-payments-eu-central-1', 'prod-workload-ledger-eu-west-1'];

  test.each(stacksWithFunctions)("%s: every Lambda function runs in the private network's subnets with its security group", (name) => {
    const t = template(name);
    const functions = Object.values(t.findResources('AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThan(0);
    const network = prod.byName.get(name)!.node.findChild('Network') as any;
    const stack = prod.byName.get(name)!;
    const subnetIds = network.subnets.map((s: any) => stack.resolve(s.subnetId));
    const sg = stack.resolve(network.functionSecurityGroup.securityGroupId);
    for (const fn of functions as any[]) {
      // The account settings function (S3 Control and EC2 account calls, no interface endpoint) is exempt with its reason (app-kit addAccountBaseline).
      if (fn.Properties.FunctionName === GUARDRAIL_NAMES.accountSettingsFunction) {
        expect(fn.Properties.VpcConfig).toBeUndefined();
        continue;
      }
      expect(fn.Properties.VpcConfig.SubnetIds).toEqual(subnetIds);
      // A database rotation function has a security group of its own: HTTPS out and its database's
      // port to its database (the network's function group reaches no database).
      if (String(fn.Properties.FunctionName).startsWith(rotationFunctionName('db', ''))) continue;
      expect(fn.Properties.VpcConfig.SecurityGroupIds).toEqual([sg]);
    }
  });

  // The payments account's eu-west-1 entry is an existing VPC (the database's): no S3 gateway endpoint
  // and no private DNS (the PostgreSQL rotation is our function: it uses the endpoint names).
  const existingVpcStack = 'prod-workload-payments-eu-west-1';
  test.each(stacksWithFunctions)(
    '%s: no NAT gateway, no internet gateway; interface endpoints for the configured services (and, in a created VPC, the S3 gateway endpoint)',
    (name) => {
      const t = template(name);
      t.resourceCountIs('AWS::EC2::NatGateway', 0);
      t.resourceCountIs('AWS::EC2::InternetGateway', 0);
      t.resourceCountIs('AWS::EC2::EgressOnlyInternetGateway', 0);
      const endpoints = Object.values(t.findResources('AWS::EC2::VPCEndpoint')) as any[];
      const serviceOf = (e: any) => /\.(kinesis-streams|kms|logs|s3|secretsmanager|sqs|sts|lambda)"/.exec(JSON.stringify(e.Properties.ServiceName))?.[1];
      const stack = prod.byName.get(name)!;
      const entry = prod.config.network.privateFunctions.vpcs.find((v) => v.accountId === stack.account && v.region === stack.region)!;
      const expected = entry.interfaceEndpoints.map((n) => (n === 'kinesis' ? 'kinesis-streams' : n));
      expect(endpoints.map(serviceOf).sort()).toEqual([...expected, ...(name === existingVpcStack ? [] : ['s3'])].sort());
      for (const e of endpoints.filter((x) => x.Properties.VpcEndpointType === 'Interface')) {
        expect([serviceOf(e), e.Properties.PrivateDnsEnabled]).toEqual([serviceOf(e), name !== existingVpcStack]);
      }
    },
  );

  test('in the existing VPC the other workloads keep their AWS access: no endpoint takes over a public name or admits the VPC range; every function reaches the endpoints by name', () => {
    const stack = prod.byName.get(existingVpcStack)!;
    const t = Template.fromStack(stack).toJSON();
    const vpcGroups = Object.entries<any>(t.Resources).filter(
      ([, r]) => r.Type === 'AWS::EC2::SecurityGroup' && /VPC range/.test(r.Properties.GroupDescription),
    );
    expect(vpcGroups).toHaveLength(0);
    const functions = Object.values<any>(t.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) {
      const variables = Object.keys(fn.Properties.Environment?.Variables ?? {})
        .filter((k) => k.startsWith('AWS_ENDPOINT_URL_'))
        .sort();
      expect(variables).toEqual([
        'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS',
        'AWS_ENDPOINT_URL_KINESIS',
        'AWS_ENDPOINT_URL_KMS',
        'AWS_ENDPOINT_URL_LAMBDA',
        'AWS_ENDPOINT_URL_SECRETS_MANAGER',
        'AWS_ENDPOINT_URL_SQS',
        'AWS_ENDPOINT_URL_STS',
      ]);
    }
    // A created VPC: private DNS everywhere, no variable.
    const created = Template.fromStack(prod.byName.get('prod-workload-ledger-eu-west-1')!).toJSON();
    for (const fn of Object.values<any>(created.Resources).filter((r) => r.Type === 'AWS::Lambda::Function')) {
      expect(Object.keys(fn.Properties.Environment?.Variables ?? {}).filter((k) => k.startsWith('AWS_ENDPOINT_URL_'))).toEqual([]);
    }
  });

  test('a created VPC has isolated subnets only, with flow logs encrypted with the logs key', () => {
    const t = template('prod-workload-ledger-eu-west-1');
    t.resourceCountIs('AWS::EC2::VPC', 1);
    for (const subnet of Object.values(t.findResources('AWS::EC2::Subnet')) as any[]) expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
    for (const route of Object.values(t.findResources('AWS::EC2::Route')) as any[]) expect(route.Properties.DestinationCidrBlock).not.toBe('0.0.0.0/0');
    t.resourceCountIs('AWS::EC2::FlowLog', 1);
    const groups = t.findResources('AWS::Logs::LogGroup');
    const flowGroup = Object.entries(groups).find(([id]) => id.startsWith('NetworkFlowLogGroup'))!;
    expect(flowGroup[1].Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^KeysLogsKey/), 'Arn'] });
    expect(flowGroup[1].DeletionPolicy).toBe('Retain');
  });

  test('the existing VPC of the database: endpoints in its subnets, the S3 route on its route tables, no VPC created', () => {
    const t = template('prod-workload-payments-eu-west-1');
    t.resourceCountIs('AWS::EC2::VPC', 0);
    const entry = prod.config.network.privateFunctions.vpcs.find((v) => v.accountId === '666666666666' && v.region === 'eu-west-1')!;
    if (entry.vpc.source !== 'existing') throw new Error('prod config: expected an existing VPC for payments eu-west-1');
    const endpoints = Object.values(t.findResources('AWS::EC2::VPCEndpoint')) as any[];
    for (const e of endpoints) {
      expect(e.Properties.VpcId).toBe(entry.vpc.vpcId);
      if (e.Properties.VpcEndpointType === 'Interface') expect(e.Properties.SubnetIds).toEqual(entry.vpc.privateSubnetIds);
      else expect(e.Properties.RouteTableIds).toEqual(entry.vpc.privateSubnetRouteTableIds);
    }
  });

  test("the database rotation function runs in the network's subnets of the database's VPC, reaches the endpoints by name and the database on its port only", () => {
    const t = template('prod-workload-payments-eu-west-1');
    const db = prod.config.workloadAccounts[0].databases[0];
    const entry = prod.config.network.privateFunctions.vpcs.find((v) => v.accountId === '666666666666' && v.region === 'eu-west-1')!;
    if (entry.vpc.source !== 'existing') throw new Error('prod config: expected an existing VPC for payments eu-west-1');
    t.resourceCountIs('AWS::Serverless::Application', 0);
    expect(Object.values(t.findResources('AWS::SecretsManager::RotationSchedule')).filter((r: any) => r.Properties.HostedRotationLambda !== undefined)).toEqual(
      [],
    );
    const [, fn] = Object.entries<any>(t.findResources('AWS::Lambda::Function')).find(
      ([, r]) => r.Properties.FunctionName === rotationFunctionName('db', db.name),
    )!;
    expect(fn.Properties.VpcConfig.SubnetIds).toEqual(entry.vpc.privateSubnetIds);
    // No private DNS for Secrets Manager in this VPC: the function's SDK reads the endpoint's name.
    expect(entry.vpc.privateDnsServices).not.toContain('secretsmanager');
    expect(fn.Properties.Environment.Variables.AWS_ENDPOINT_URL_SECRETS_MANAGER).toEqual(expect.anything());
    const [rotationSg] = fn.Properties.VpcConfig.SecurityGroupIds.map((g: any) => g['Fn::GetAtt'][0]);
    const endpointSg = Object.keys(t.findResources('AWS::EC2::SecurityGroup')).find((id) => id.startsWith('NetworkEndpointSecurityGroup'))!;
    const ingress = Object.values(t.findResources('AWS::EC2::SecurityGroupIngress')) as any[];
    expect(ingress).toContainEqual(
      expect.objectContaining({
        Properties: expect.objectContaining({
          GroupId: { 'Fn::GetAtt': [endpointSg, 'GroupId'] },
          SourceSecurityGroupId: { 'Fn::GetAtt': [rotationSg, 'GroupId'] },
          FromPort: 443,
          ToPort: 443,
          IpProtocol: 'tcp',
        }),
      }),
    );
    expect(ingress).toContainEqual(
      expect.objectContaining({
        Properties: expect.objectContaining({
          GroupId: db.securityGroupId,
          SourceSecurityGroupId: { 'Fn::GetAtt': [rotationSg, 'GroupId'] },
          FromPort: db.port,
          ToPort: db.port,
        }),
      }),
    );
  });

  test('the capture-only us-east-1 stack, which runs no function, gets no network', () => {
    template('prod-workload-payments-us-east-1').resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });

  test('a Lambda function added outside the private subnets fails synth (the RequirePrivateFunctions check is on)', () => {
    const fresh = synth('prod');
    const stack = fresh.byName.get('prod-workload-ledger-eu-west-1')!;
    new lambda.Function(stack, 'Stray', {
      runtime: lambda.Runtime.NODEJS_20_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {}'),
    });
    // Synth stops on the error annotation, naming the function.
    expect(() => Annotations.fromStack(stack)).toThrow(/prod-workload-ledger-eu-west-1\/Stray\/Resource runs outside any VPC/);
  });
});

describe('endpoint policies of the prod template (semantic)', () => {
  const ACCOUNT = '777777777777';
  const OTHER = '999999999999';
  const REGION = 'eu-west-1';
  const t = template('prod-workload-ledger-eu-west-1');
  const policies: Record<string, PolicyJson> = {};
  for (const e of Object.values(t.findResources('AWS::EC2::VPCEndpoint')) as any[]) {
    const policy = resolveIntrinsics(e.Properties.PolicyDocument, { account: ACCOUNT, region: REGION });
    policies[String([policy.Statement[0].Action].flat()[0]).split(':')[0]] = policy;
  }
  // Test-only identity policy that allows everything, so the endpoint policy is the only thing that can refuse a request.
  const ALLOW_ALL: PolicyJson = ALLOW_EVERYTHING;
  const decide = (prefix: string, action: string, principalAccount: string, resource: string, resourceAccount: string) => {
    const principal = `arn:aws:iam::${principalAccount}:role/rotation`;
    return evaluateThroughEndpoint({
      request: { action, principal, resource, resourceAccount, context: { 'aws:PrincipalAccount': principalAccount, 'aws:ResourceAccount': resourceAccount } },
      endpointPolicies: [policies[prefix]],
      identityPolicies: [ALLOW_ALL],
      resourcePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: action, Resource: resource }] },
    });
  };
  const secret = (a: string) => `arn:aws:secretsmanager:${REGION}:${a}:secret:prod/batch-jobs/service-token-AbCdEf`;

  test("the rotation function may write this account's secret through the Secrets Manager endpoint", async () => {
    expect(await decide('secretsmanager', 'secretsmanager:PutSecretValue', ACCOUNT, secret(ACCOUNT), ACCOUNT)).toBe('Allowed');
  });

  test.each([
    ['secretsmanager', 'secretsmanager:PutSecretValue', secret],
    ['kms', 'kms:Encrypt', (a: string) => `arn:aws:kms:${REGION}:${a}:key/1234abcd-12ab-34cd-56ef-1234567890ab`],
    ['logs', 'logs:PutLogEvents', (a: string) => `arn:aws:logs:${REGION}:${a}:log-group:exfil:log-stream:s`],
    ['s3', 's3:PutObject', (a: string) => `arn:aws:s3:::bucket-of-${a}/key`],
  ])("the %s endpoint refuses another account's resource (%s)", async (prefix, action, resource) => {
    expect(await decide(prefix, action, ACCOUNT, resource(OTHER), OTHER)).toBe('ImplicitlyDenied');
  });
});

describe('network mode off (dev)', () => {
  test("no VPC, no endpoints; the token rotation functions run outside a VPC (a database's in its VPC)", () => {
    const dev = synth('dev');
    for (const stack of dev.stacks) {
      const t = Template.fromStack(stack);
      t.resourceCountIs('AWS::EC2::VPC', 0);
      t.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
      for (const fn of Object.values(t.findResources('AWS::Lambda::Function')) as any[]) {
        const isDatabaseRotation = String(fn.Properties.FunctionName).startsWith(rotationFunctionName('db', ''));
        expect([fn.Properties.FunctionName, fn.Properties.VpcConfig !== undefined]).toEqual([fn.Properties.FunctionName, isDatabaseRotation]);
      }
    }
  });

  test('the same config with the mode on places the functions in a created VPC', () => {
    const raw = JSON.parse(readFileSync(join(CONFIG_DIR, 'dev.json'), 'utf8'));
    // Without the databases (whose VPCs would have to be the existing network VPC), every location gets a created VPC.
    for (const account of raw.workloadAccounts) account.databases = [];
    const config = parseConfig(raw, 'dev');
    const locations = functionLocations(config);
    raw.network = {
      ...(raw.network ?? {}),
      privateFunctions: {
        enabled: true,
        vpcs: locations.map((l) => ({
          accountId: l.accountId,
          region: l.region,
          vpc: { source: 'create', availabilityZones: [`${l.region}a`, `${l.region}b`] },
        })),
      },
    };
    const on = synth('dev', parseConfig(raw, 'dev'));
    // The account settings function is exempt (no endpoint for its APIs): a stack with only that one needs no network.
    const networked = (fn: any) => fn.Properties.FunctionName !== GUARDRAIL_NAMES.accountSettingsFunction;
    const withFunctions = on.stacks.filter((s) => Object.values(Template.fromStack(s).findResources('AWS::Lambda::Function')).some(networked));
    expect(withFunctions.length).toBeGreaterThan(0);
    for (const stack of withFunctions) {
      const t = Template.fromStack(stack);
      t.resourceCountIs('AWS::EC2::VPC', 1);
      for (const fn of Object.values(t.findResources('AWS::Lambda::Function')) as any[]) {
        if (fn.Properties.FunctionName !== GUARDRAIL_NAMES.accountSettingsFunction) expect(fn.Properties.VpcConfig.SubnetIds.length).toBe(2);
      }
    }
  });
});
