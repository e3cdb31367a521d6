/**
 * Issue 21, quiet output: the private network's availability zones come from config on purpose,
 * so aws-cdk-lib's template validation (cfn-lint W3010, "Avoid hardcoding availability zones")
 * is acknowledged on exactly those subnets, at every synth, tests included. Every other warning,
 * and W3010 anywhere else, still shows.
 */
import { join } from 'node:path';
import { Annotations, App, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { loadConfig, PrivateFunctionsVpcConfig } from '@cdk-guardrails/config';
import { addPrivateFunctionsNetwork, createApp, GuardrailStack } from '../src';

jest.setTimeout(120_000);

const CONFIG_DIR = join(__dirname, '..', '..', '..', 'config');
const prod = loadConfig('prod', { configDir: CONFIG_DIR });
const entry = prod.network.privateFunctions.vpcs.find((v) => v.vpc.source === 'create')!;

class NetworkStack extends GuardrailStack {
  constructor(scope: Construct, id: string, vpcEntry: PrivateFunctionsVpcConfig) {
    super(scope, id, { env: { account: vpcEntry.accountId, region: vpcEntry.region } });
    this.useAvailabilityZones(vpcEntry.vpc.availabilityZones);
    addPrivateFunctionsNetwork(this, 'Network', vpcEntry, {
      waiver: { owner: 'guardrails-maintainers', expires: '2027-06-01' },
      flowLogsKey: new kms.Key(this, 'LogsKey', { removalPolicy: RemovalPolicy.DESTROY }),
      flowLogRetention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
}

/** What synth prints on stderr (the validation report), with aws-cdk-lib's template validation on. */
function synthReport(app: App): string {
  // The construct-package setup turns the template validation off for speed (jest.no-cfn-validation.js).
  const saved = process.env.CDK_VALIDATION;
  delete process.env.CDK_VALIDATION;
  const printed: string[] = [];
  const spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    printed.push(args.join(' '));
  });
  try {
    app.synth();
  } finally {
    spy.mockRestore();
    if (saved === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = saved;
  }
  return printed.join('\n');
}

test('the zones of a created private network, from config, raise no W3010; a literal zone elsewhere and other warnings still show', () => {
  // GIVEN a stack with the config's private network, a subnet of its own with a literal zone, and an annotation warning
  expect(entry).toBeDefined();
  const app = createApp();
  const stack = new NetworkStack(app, 'Guarded', entry);
  new ec2.CfnSubnet(stack, 'StraySubnet', { vpcId: 'vpc-12345678', cidrBlock: '10.99.0.0/28', availabilityZone: entry.vpc.availabilityZones[0] });
  Annotations.of(stack).addWarningV2('@cdk-guardrails/test:stillShown', 'a warning that means something');

  // WHEN
  const report = synthReport(app);

  // THEN the stray subnet still warns, once; the network's subnets do not; the annotation shows
  const zoneWarnings = report.split('\n').filter((line) => line.includes('Avoid hardcoding availability zones'));
  expect(zoneWarnings).toHaveLength(1);
  expect(report).toMatch(/Guarded\/StraySubnet/);
  expect(report).not.toMatch(/Guarded\/Network\/Vpc\/\w+\/Subnet/);
  expect(report).toMatch(/a warning that means something/);
});

test("the acknowledgement is on the network's subnets only, with the reason", () => {
  const app = createApp();
  const stack = new NetworkStack(app, 'Guarded', entry);
  const acknowledged = stack.node
    .findAll()
    .flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && 'CloudFormation-Validate::W3010' in (m.data as object))
        .map((m) => [c.node.path, (m.data as Record<string, string>)['CloudFormation-Validate::W3010']]),
    );
  expect(acknowledged.map(([path]) => path)).toEqual(entry.vpc.availabilityZones.map((_, i) => `Guarded/Network/Vpc/privateSubnet${i + 1}/Subnet`));
  for (const [, reason] of acknowledged) expect(reason).toMatch(/come from config \(network\.privateFunctions\.vpcs\[\]\.vpc\.availabilityZones\)/);
});

test('an entry of another account or region is refused, naming the stack, the entry and the stack environment', () => {
  const app = createApp();
  const stack = new GuardrailStack(app, 'Elsewhere', { env: { account: entry.accountId, region: 'ap-south-2' } });
  expect(() =>
    addPrivateFunctionsNetwork(stack, 'Network', entry, {
      waiver: { owner: 'guardrails-maintainers', expires: '2027-06-01' },
      flowLogsKey: new kms.Key(stack, 'LogsKey'),
      flowLogRetention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    }),
  ).toThrow(
    new RegExp(
      `^Elsewhere: network\\.privateFunctions: received the entry of ${entry.accountId}/${entry.region}; expected the entry of this stack's account and region, ${entry.accountId}/ap-south-2$`,
    ),
  );
});
