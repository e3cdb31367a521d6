/** The network mode's rules: where the project runs functions, and the private network each place needs. */
import { ConfigProblem, problem } from './config-problem';
import { apiKeyName, apiKeyRegistrationHook, GuardrailsConfig, OWN_ROTATION_DATABASE_ENGINES, PrivateFunctionsVpcConfig } from './schema';

/** Where the project runs Lambda functions of its own, and which ones (for the network mode). */
export interface FunctionLocation {
  readonly accountId: string;
  readonly region: string;
  /** What runs there, for messages. */
  readonly functions: string;
}

/**
 * The accounts and regions where the apps create Lambda functions: the log forwarder in every
 * region of the security account; token rotation functions in every region of a workload account
 * with API keys or service tokens; the rotation of a database (ours, or AWS's hosted one) in its region.
 */
export function functionLocations(config: GuardrailsConfig): FunctionLocation[] {
  const locations: FunctionLocation[] = config.securityAccount.regions.map((region) => ({
    accountId: config.securityAccount.accountId,
    region,
    functions: 'the central log forwarder',
  }));
  for (const account of config.workloadAccounts) {
    for (const region of account.regions) {
      const what = [
        ...(account.apiKeys.length + account.serviceTokens.length > 0 ? ['token rotation functions'] : []),
        ...account.databases
          .filter((db) => db.region === region)
          .map((db) => `${OWN_ROTATION_DATABASE_ENGINES.includes(db.engine) ? 'the rotation function' : 'the hosted rotation'} of database ${db.name}`),
      ];
      if (what.length > 0) locations.push({ accountId: account.accountId, region, functions: what.join(', ') });
    }
  }
  return locations;
}

/** The private network of an account and region, when the network mode is on. */
export function privateNetworkFor(config: GuardrailsConfig, accountId: string, region: string): PrivateFunctionsVpcConfig | undefined {
  const mode = config.network.privateFunctions;
  if (!mode.enabled) return undefined;
  return mode.vpcs.find((v) => v.accountId === accountId && v.region === region);
}

export function privateFunctions(config: GuardrailsConfig): ConfigProblem[] {
  const { enabled, vpcs } = config.network.privateFunctions;
  if (!enabled) {
    return vpcs.length > 0
      ? [
          problem(
            'network.privateFunctions.vpcs',
            `${vpcs.length} entries`,
            'no entries while network.privateFunctions.enabled is false (they would be ignored): set enabled to true, or remove them',
          ),
        ]
      : [];
  }
  const problems: ConfigProblem[] = [];
  const locations = functionLocations(config);
  const key = (accountId: string, region: string) => `${accountId}/${region}`;
  const seen = new Set<string>();
  vpcs.forEach((entry, i) => {
    const k = key(entry.accountId, entry.region);
    if (seen.has(k)) {
      problems.push(problem(`network.privateFunctions.vpcs[${i}]`, k, 'one entry per account and region; this one is listed twice'));
    }
    seen.add(k);
    if (!locations.some((l) => key(l.accountId, l.region) === k)) {
      problems.push(
        problem(
          `network.privateFunctions.vpcs[${i}]`,
          k,
          `an account and region where the project runs functions (${locations.map((l) => key(l.accountId, l.region)).join(', ') || 'none'}); remove this entry: no function of the project runs there`,
        ),
      );
    }
    const zones = entry.vpc.availabilityZones;
    zones.forEach((zone, z) => {
      if (!(zone.startsWith(entry.region) && /^[a-z]$/.test(zone.slice(entry.region.length)))) {
        problems.push(
          problem(`network.privateFunctions.vpcs[${i}].vpc.availabilityZones[${z}]`, zone, `an availability zone of ${entry.region}, e.g. ${entry.region}a`),
        );
      }
    });
    if (entry.vpc.source === 'existing') {
      const { privateSubnetIds, privateSubnetRouteTableIds } = entry.vpc;
      if (privateSubnetIds.length % zones.length !== 0) {
        problems.push(
          problem(
            `network.privateFunctions.vpcs[${i}].vpc.privateSubnetIds`,
            privateSubnetIds,
            `a multiple of the ${zones.length} availability zones, in zone order`,
          ),
        );
      }
      if (entry.s3GatewayEndpoint === true && !entry.vpc.dedicatedRouteTables) {
        problems.push(
          problem(
            `network.privateFunctions.vpcs[${i}].s3GatewayEndpoint`,
            true,
            "false (the default for an existing VPC), or vpc.dedicatedRouteTables: true where only these private subnets use the route tables: the endpoint's route and policy (this account's buckets only) apply to every subnet of a route table and would cut other workloads off other accounts' buckets (ECR image layers, OS package repositories)",
          ),
        );
      }
      if (entry.s3GatewayEndpoint === true && privateSubnetRouteTableIds.length !== privateSubnetIds.length) {
        problems.push(
          problem(
            `network.privateFunctions.vpcs[${i}].vpc.privateSubnetRouteTableIds`,
            privateSubnetRouteTableIds,
            `the route table of each of the ${privateSubnetIds.length} private subnets (same order), where the S3 gateway endpoint adds its route; or s3GatewayEndpoint: false`,
          ),
        );
      }
      const dns = entry.vpc.privateDnsServices;
      dns
        .filter((service) => !entry.interfaceEndpoints.includes(service))
        .forEach((service) => {
          problems.push(
            problem(
              `network.privateFunctions.vpcs[${i}].vpc.privateDnsServices`,
              service,
              `one of interfaceEndpoints (${entry.interfaceEndpoints.join(', ')})`,
            ),
          );
        });
      if (dns.length > 0 && entry.vpc.vpcCidrBlocks.length === 0) {
        problems.push(
          problem(
            `network.privateFunctions.vpcs[${i}].vpc.vpcCidrBlocks`,
            [],
            `every range of the VPC (primary, secondary, IPv6): with private DNS for ${dns.join(', ')}, every workload of the VPC calls those services through these endpoints, which must admit them`,
          ),
        );
      }
    }
  });
  for (const location of locations) {
    if (!seen.has(key(location.accountId, location.region))) {
      problems.push(
        problem(
          'network.privateFunctions.vpcs',
          `no entry for account ${location.accountId} in ${location.region}`,
          `an entry for every account and region where the project runs functions; ${location.accountId} runs ${location.functions} in ${location.region}`,
        ),
      );
    }
  }
  // The token rotation invokes an API key's registration hook through Lambda's API: from private
  // subnets, that needs Lambda's interface endpoint in every region of the account.
  config.workloadAccounts.forEach((account) => {
    const hooked = account.apiKeys.filter((k) => apiKeyRegistrationHook(k) !== undefined).map(apiKeyName);
    if (hooked.length === 0) return;
    for (const region of account.regions) {
      const index = vpcs.findIndex((v) => v.accountId === account.accountId && v.region === region);
      if (index >= 0 && !vpcs[index].interfaceEndpoints.includes('lambda')) {
        problems.push(
          problem(
            `network.privateFunctions.vpcs[${index}].interfaceEndpoints`,
            vpcs[index].interfaceEndpoints,
            `a list that includes "lambda": the rotation of API key ${hooked.join(', ')} invokes its registration hook in ${account.accountId}/${region} from the private subnets`,
          ),
        );
      }
    }
  });
  config.workloadAccounts.forEach((account, a) =>
    account.databases.forEach((db, d) => {
      const entry = privateNetworkFor(config, account.accountId, db.region);
      if (entry === undefined) return;
      if (entry.vpc.source !== 'existing' || entry.vpc.vpcId !== db.vpcId) {
        problems.push(
          problem(
            `workloadAccounts[${a}].databases[${d}].vpcId`,
            db.vpcId,
            `the VPC of the network.privateFunctions entry of ${account.accountId} in ${db.region} (source "existing", vpcId ${entry.vpc.source === 'existing' ? entry.vpc.vpcId : 'not set: that entry creates a VPC'}): the rotation function runs in the database's VPC and reaches Secrets Manager and KMS through that VPC's endpoints`,
          ),
        );
      } else if (
        !OWN_ROTATION_DATABASE_ENGINES.includes(db.engine) &&
        entry.interfaceEndpoints.includes('secretsmanager') &&
        !entry.vpc.privateDnsServices.includes('secretsmanager')
      ) {
        // The hosted rotation is AWS's code: it calls Secrets Manager by its public name, which only
        // private DNS (this endpoint's, or the VPC's own endpoint's) resolves inside the VPC. Our own
        // rotation function (PostgreSQL, MySQL, MariaDB) reads AWS_ENDPOINT_URL_SECRETS_MANAGER instead.
        const index = vpcs.indexOf(entry);
        problems.push(
          problem(
            `network.privateFunctions.vpcs[${index}].vpc.privateDnsServices`,
            entry.vpc.privateDnsServices,
            `a list with "secretsmanager" (and vpc.vpcCidrBlocks): the hosted rotation of database ${db.name} calls Secrets Manager by its public name; or leave "secretsmanager" out of interfaceEndpoints where the VPC has its own Secrets Manager endpoint with private DNS`,
          ),
        );
      }
    }),
  );
  return problems;
}
