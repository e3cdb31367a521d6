import {
  auditReplicaBucketName,
  functionLocations,
  LOG_WRITER_ROLE_PATTERN,
  loadConfig,
  logWriterRoleName,
  parseConfig,
  privateNetworkFor,
  rotationLogWriterRoleName,
  workloadTrailRegions,
} from '../src';
import { CONFIG_DIR, problemsOf } from './support/configs';

/** Security account in two regions, one workload account with a token and a database. */
function baseConfig(): any {
  return {
    environment: 'dev',
    securityAccount: { accountId: '111111111111', regions: ['eu-west-1', 'us-east-1'] },
    principals: { pipelineRoleArns: ['arn:aws:iam::111111111111:role/pipeline'], cdkQualifier: 'grdtest' },
    workloadAccounts: [
      {
        name: 'payments',
        accountId: '222222222222',
        regions: ['eu-west-1'],
        serviceTokens: ['batch'],
        databases: [
          {
            name: 'ledger',
            region: 'eu-west-1',
            engine: 'postgres',
            host: 'db.internal',
            username: 'app',
            vpcId: 'vpc-0a1b2c3d4e5f60718',
            availabilityZones: ['eu-west-1a'],
            privateSubnetIds: ['subnet-0a1b2c3d4e5f60711'],
            securityGroupId: 'sg-0a1b2c3d4e5f60733',
          },
        ],
      },
    ],
    s3: { encryption: 'SSE_S3' },
    compliance: { waiverOwner: 'guardrails-maintainers', waiverReviewBy: '2027-06-01' },
    removalPolicy: 'destroy',
  };
}

const created = (accountId: string, region: string) => ({ accountId, region, vpc: { source: 'create', availabilityZones: [`${region}a`, `${region}b`] } });
const dbVpc = {
  accountId: '222222222222',
  region: 'eu-west-1',
  vpc: {
    source: 'existing',
    vpcId: 'vpc-0a1b2c3d4e5f60718',
    availabilityZones: ['eu-west-1a'],
    privateSubnetIds: ['subnet-0a1b2c3d4e5f60711'],
    privateSubnetRouteTableIds: ['rtb-0a1b2c3d4e5f60711'],
    // The hosted rotation (AWS's code) calls Secrets Manager by its public name.
    vpcCidrBlocks: ['10.20.0.0/16'],
    privateDnsServices: ['secretsmanager'],
  },
};

function withNetwork(vpcs: unknown[]): any {
  return { ...baseConfig(), network: { privateFunctions: { enabled: true, vpcs } } };
}

describe('network.privateFunctions and API key registration hooks', () => {
  const hooked = (vpcs: unknown[]) => {
    const raw = withNetwork(vpcs);
    raw.workloadAccounts[0].apiKeys = [{ name: 'partner-api', registrationHook: { functionName: 'register-key', roleName: 'register-key-role' } }];
    return raw;
  };

  test("the rotation invokes the hook from the private subnets: the entry of that account and region must create Lambda's endpoint", () => {
    expect(problemsOf(hooked([created('111111111111', 'eu-west-1'), created('111111111111', 'us-east-1'), dbVpc]))).toMatch(
      /network\.privateFunctions\.vpcs\[2\]\.interfaceEndpoints: received \["secretsmanager","kms","logs","kinesis","sqs","sts"\]; expected a list that includes "lambda": the rotation of API key partner-api invokes its registration hook in 222222222222\/eu-west-1/,
    );
    const withLambda = { ...dbVpc, interfaceEndpoints: ['secretsmanager', 'kms', 'logs', 'kinesis', 'sqs', 'sts', 'lambda'] };
    expect(() => parseConfig(hooked([created('111111111111', 'eu-west-1'), created('111111111111', 'us-east-1'), withLambda]), 'dev')).not.toThrow();
  });

  test("Lambda's endpoint is not created by default (only where a hook is invoked)", () => {
    const config = parseConfig(withNetwork([created('111111111111', 'eu-west-1'), created('111111111111', 'us-east-1'), dbVpc]), 'dev');
    expect(privateNetworkFor(config, '222222222222', 'eu-west-1')!.interfaceEndpoints).not.toContain('lambda');
  });
});

describe('network.privateFunctions', () => {
  test('off by default: no private network anywhere', () => {
    const config = parseConfig(baseConfig(), 'dev');
    expect(config.network.privateFunctions).toEqual({ enabled: false, vpcs: [] });
    expect(privateNetworkFor(config, '111111111111', 'eu-west-1')).toBeUndefined();
  });

  test('the function locations: the forwarder in every security region, rotation where tokens or databases are', () => {
    const config = parseConfig(baseConfig(), 'dev');
    expect(functionLocations(config).map((l) => `${l.accountId}/${l.region}`)).toEqual([
      '111111111111/eu-west-1',
      '111111111111/us-east-1',
      '222222222222/eu-west-1',
    ]);
  });

  test('a complete network config is accepted, with endpoint defaults', () => {
    const config = parseConfig(withNetwork([created('111111111111', 'eu-west-1'), created('111111111111', 'us-east-1'), dbVpc]), 'dev');
    const entry = privateNetworkFor(config, '111111111111', 'eu-west-1')!;
    expect(entry.vpc).toMatchObject({ source: 'create', cidr: '10.0.0.0/24' });
    expect(entry.interfaceEndpoints).toEqual(['secretsmanager', 'kms', 'logs', 'kinesis', 'sqs', 'sts']);
    // Defaults by source, decided by the construct: S3 gateway for a created VPC, none for an existing one.
    expect(entry.s3GatewayEndpoint).toBeUndefined();
    const existing = privateNetworkFor(config, '222222222222', 'eu-west-1')!;
    expect(existing.vpc).toMatchObject({ dedicatedRouteTables: false, privateDnsServices: ['secretsmanager'] });
  });

  test('fails on a location with functions but no entry, naming the account, region and functions', () => {
    const message = problemsOf(withNetwork([created('111111111111', 'eu-west-1'), dbVpc]));
    expect(message).toContain('network.privateFunctions.vpcs');
    expect(message).toContain('no entry for account 111111111111 in us-east-1');
    expect(message).toContain('the central log forwarder');
  });

  test('fails on an entry where no function runs', () => {
    const message = problemsOf(
      withNetwork([created('111111111111', 'eu-west-1'), created('111111111111', 'us-east-1'), dbVpc, created('222222222222', 'eu-central-1')]),
    );
    expect(message).toContain('network.privateFunctions.vpcs[3]');
    expect(message).toContain('222222222222/eu-central-1');
    expect(message).toContain('no function of the project runs there');
  });

  test("fails on a database outside the entry's VPC (hosted rotation could not reach the endpoints)", () => {
    const message = problemsOf(withNetwork([created('111111111111', 'eu-west-1'), created('111111111111', 'us-east-1'), created('222222222222', 'eu-west-1')]));
    expect(message).toContain('workloadAccounts[0].databases[0].vpcId');
    expect(message).toContain('"vpc-0a1b2c3d4e5f60718"');
    expect(message).toContain('that entry creates a VPC');
  });

  test('an existing VPC: the S3 gateway endpoint only on dedicated route tables, with the route table of each subnet', () => {
    const base = [created('111111111111', 'eu-west-1'), created('111111111111', 'us-east-1')];
    const notDedicated = { ...dbVpc, s3GatewayEndpoint: true };
    expect(problemsOf(withNetwork([...base, notDedicated]))).toMatch(
      /vpcs\[2\]\.s3GatewayEndpoint: received true; expected false \(the default for an existing VPC\), or vpc.dedicatedRouteTables: true/,
    );
    const noRoutes = { ...dbVpc, s3GatewayEndpoint: true, vpc: { ...dbVpc.vpc, dedicatedRouteTables: true, privateSubnetRouteTableIds: [] } };
    expect(problemsOf(withNetwork([...base, noRoutes]))).toContain('network.privateFunctions.vpcs[2].vpc.privateSubnetRouteTableIds');
    expect(
      parseConfig(withNetwork([...base, { ...noRoutes, vpc: { ...noRoutes.vpc, privateSubnetRouteTableIds: ['rtb-0a1b2c3d4e5f60711'] } }]), 'dev'),
    ).toBeDefined();
    expect(parseConfig(withNetwork([...base, { ...dbVpc, vpc: { ...dbVpc.vpc, privateSubnetRouteTableIds: [] } }]), 'dev')).toBeDefined();
  });

  test('an existing VPC: private DNS needs the VPC range and an endpoint of that service; the hosted rotation needs it for Secrets Manager', () => {
    const base = [created('111111111111', 'eu-west-1'), created('111111111111', 'us-east-1')];
    const { vpcCidrBlocks: _cidr, ...noCidr } = dbVpc.vpc;
    expect(problemsOf(withNetwork([...base, { ...dbVpc, vpc: noCidr }]))).toMatch(
      /vpcs\[2\]\.vpc\.vpcCidrBlocks: received \[\]; expected every range of the VPC/,
    );
    expect(problemsOf(withNetwork([...base, { ...dbVpc, interfaceEndpoints: ['kms', 'logs'], vpc: { ...dbVpc.vpc, privateDnsServices: ['sqs'] } }]))).toMatch(
      /vpcs\[2\]\.vpc\.privateDnsServices: received "sqs"; expected one of interfaceEndpoints \(kms, logs\)/,
    );
    const noDns = withNetwork([...base, { ...dbVpc, vpc: { ...dbVpc.vpc, privateDnsServices: [] } }]);
    // PostgreSQL, MySQL, MariaDB: our rotation function reads AWS_ENDPOINT_URL_SECRETS_MANAGER, no private DNS needed.
    expect(noDns.workloadAccounts[0].databases[0].engine).toBe('postgres');
    expect(parseConfig(noDns, 'dev')).toBeDefined();
    // The hosted rotation (other engines) is AWS's code: it calls Secrets Manager by its public name.
    noDns.workloadAccounts[0].databases[0].engine = 'oracle';
    noDns.workloadAccounts[0].databases[0].hostedRotationAcceptance = 'Oracle: no driver of ours; its role cannot be passed or assumed (boundedRolePath)';
    expect(problemsOf(noDns)).toMatch(
      /vpcs\[2\]\.vpc\.privateDnsServices: received \[\]; expected a list with "secretsmanager".*hosted rotation of database ledger/,
    );
    // The VPC has its own Secrets Manager endpoint with private DNS: none of ours, no private DNS needed.
    expect(
      parseConfig(withNetwork([...base, { ...dbVpc, interfaceEndpoints: ['kms', 'logs', 'sqs', 'sts'], vpc: { ...noCidr, privateDnsServices: [] } }]), 'dev'),
    ).toBeDefined();
  });

  test('fails on availability zones of another region, and on an unknown endpoint', () => {
    const wrongZone = { ...created('111111111111', 'eu-west-1'), vpc: { source: 'create', availabilityZones: ['us-east-1a'] } };
    expect(problemsOf(withNetwork([wrongZone, created('111111111111', 'us-east-1'), dbVpc]))).toContain(
      'network.privateFunctions.vpcs[0].vpc.availabilityZones[0]',
    );
    const unknown = { ...created('111111111111', 'eu-west-1'), interfaceEndpoints: ['ec2'] };
    expect(problemsOf(withNetwork([unknown, created('111111111111', 'us-east-1'), dbVpc]))).toMatch(/interfaceEndpoints.*expected one of secretsmanager, kms/s);
  });

  test('fails on entries listed while the mode is off', () => {
    const raw = { ...baseConfig(), network: { privateFunctions: { enabled: false, vpcs: [created('111111111111', 'eu-west-1')] } } };
    expect(problemsOf(raw)).toContain('network.privateFunctions.enabled is false');
  });

  test('fails on the same account and region twice', () => {
    const message = problemsOf(
      withNetwork([created('111111111111', 'eu-west-1'), created('111111111111', 'eu-west-1'), created('111111111111', 'us-east-1'), dbVpc]),
    );
    expect(message).toContain('listed twice');
  });
});

describe('databases[].host', () => {
  test("PostgreSQL, MySQL, MariaDB: an IP address is refused (the rotation verifies the certificate's name); a hosted engine may use one", () => {
    const raw = baseConfig();
    raw.workloadAccounts[0].databases[0].host = '10.20.1.5';
    expect(raw.workloadAccounts[0].databases[0].engine).toBe('postgres');
    expect(problemsOf(raw)).toMatch(/workloadAccounts\[0\]\.databases\[0\]\.host.*expected a DNS name, not an IP address, for postgres/s);
    raw.workloadAccounts[0].databases[0].engine = 'oracle';
    raw.workloadAccounts[0].databases[0].hostedRotationAcceptance = 'Oracle: no driver of ours; its role cannot be passed or assumed (boundedRolePath)';
    expect(parseConfig(raw, 'dev')).toBeDefined();
  });

  test('a hosted engine (its rotation role has no boundary) is refused unless hostedRotationAcceptance says why; ours refuse the field', () => {
    const raw = baseConfig();
    raw.workloadAccounts[0].databases[0].engine = 'sqlserver';
    expect(problemsOf(raw)).toMatch(/workloadAccounts\[0\]\.databases\[0\]\.engine.*expected postgres, mysql or mariadb.*or hostedRotationAcceptance/s);
    raw.workloadAccounts[0].databases[0].hostedRotationAcceptance = 'too short';
    expect(problemsOf(raw)).toMatch(/hostedRotationAcceptance.*at least 20 characters/s);
    raw.workloadAccounts[0].databases[0].hostedRotationAcceptance = 'SQL Server: no driver of ours; the role cannot be passed or assumed (boundedRolePath)';
    expect(parseConfig(raw, 'dev')).toBeDefined();
    raw.workloadAccounts[0].databases[0].engine = 'postgres';
    expect(problemsOf(raw)).toMatch(/hostedRotationAcceptance.*expected no hostedRotationAcceptance for postgres/s);
  });
});

describe('auditLogs', () => {
  test('defaults: no Object Lock, no replication', () => {
    expect(parseConfig(baseConfig(), 'dev').auditLogs).toEqual({ objectLock: { mode: 'none' }, s3DataEvents: false });
  });

  test('fails on a replica region where the account has a stack (us-east-1 included)', () => {
    const message = problemsOf({ ...baseConfig(), auditLogs: { replicaRegion: 'us-east-1' } });
    expect(message).toContain('auditLogs.replicaRegion');
    expect(message).toContain('must survive the loss of the source region');
  });

  test('fails on compliance-mode Object Lock with removalPolicy destroy', () => {
    const message = problemsOf({ ...baseConfig(), auditLogs: { objectLock: { mode: 'compliance', retentionDays: 30 } } });
    expect(message).toContain('auditLogs.objectLock.mode');
    expect(parseConfig({ ...baseConfig(), auditLogs: { objectLock: { mode: 'governance', retentionDays: 30 } } }, 'dev').auditLogs.objectLock).toEqual({
      mode: 'governance',
      retentionDays: 30,
    });
  });

  test('fails on a malformed Object Lock setting', () => {
    expect(problemsOf({ ...baseConfig(), auditLogs: { objectLock: { mode: 'legal-hold' } } })).toContain('auditLogs.objectLock');
  });

  test('trail regions: the home region always (the multi-region trail); the other configured regions only with s3DataEvents; never the IAM-capture us-east-1', () => {
    const account = { regions: ['eu-west-1', 'eu-central-1'] };
    expect(workloadTrailRegions({ auditLogs: { objectLock: { mode: 'none' }, s3DataEvents: false } }, account)).toEqual(['eu-west-1']);
    expect(workloadTrailRegions({ auditLogs: { objectLock: { mode: 'none' }, s3DataEvents: true } }, account)).toEqual(['eu-west-1', 'eu-central-1']);
  });

  test('the replica bucket name is deterministic per environment, account and region', () => {
    expect(auditReplicaBucketName('prod', '666666666666', 'eu-north-1')).toBe('prod-guardrails-audit-replica-666666666666-eu-north-1');
  });
});

describe('shipped configs', () => {
  test('prod turns on the network mode, Object Lock and replication; dev leaves them off', () => {
    const prod = loadConfig('prod', { configDir: CONFIG_DIR });
    expect(prod.network.privateFunctions.enabled).toBe(true);
    expect(prod.auditLogs.objectLock.mode).toBe('compliance');
    expect(prod.auditLogs.replicaRegion).toBeDefined();
    const dev = loadConfig('dev', { configDir: CONFIG_DIR });
    expect(dev.network.privateFunctions.enabled).toBe(false);
    expect(dev.auditLogs.replicaRegion).toBeUndefined();
  });
});

describe('log writer role names (the SCP lets only these write the evidence log groups)', () => {
  test('fixed, under the writer pattern, within 64 characters, unique per function and region', () => {
    const matches = (name: string) => new RegExp(`^${LOG_WRITER_ROLE_PATTERN.replace('*', '.*')}$`).test(name);
    const longest = rotationLogWriterRoleName(`guardrails-rotate-token-${'x'.repeat(40)}`, 'ap-southeast-2');
    for (const name of [logWriterRoleName('forwarder', 'ap-southeast-2'), logWriterRoleName('trail', 'eu-west-1'), longest]) {
      expect([name, matches(name), name.length <= 64]).toEqual([name, true, true]);
    }
    expect(rotationLogWriterRoleName('guardrails-rotate-key-a', 'eu-west-1')).toBe(rotationLogWriterRoleName('guardrails-rotate-key-a', 'eu-west-1'));
    expect(rotationLogWriterRoleName('guardrails-rotate-key-a', 'eu-west-1')).not.toBe(rotationLogWriterRoleName('guardrails-rotate-key-a', 'eu-central-1'));
    expect(rotationLogWriterRoleName('guardrails-rotate-key-a', 'eu-west-1')).not.toBe(rotationLogWriterRoleName('guardrails-rotate-key-b', 'eu-west-1'));
  });
});
