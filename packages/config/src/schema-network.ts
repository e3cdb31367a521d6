/** The network mode's VPC schemas (config network.privateFunctions.vpcs[]). */
import { z } from 'zod';
import { ACCOUNT_ID, REGION } from './schema-primitives';

const AVAILABILITY_ZONE = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, { error: 'expected an availability zone name such as eu-west-1a' });

/** Interface endpoints the project's functions use, by IAM service prefix. */
export const ENDPOINT_SERVICES = ['secretsmanager', 'kms', 'logs', 'kinesis', 'sqs', 'sts', 'lambda'] as const;

/** The interface endpoints created by default: Lambda's only where an API key's registration hook is invoked (config says so). */
const DEFAULT_ENDPOINT_SERVICES: Array<(typeof ENDPOINT_SERVICES)[number]> = ['secretsmanager', 'kms', 'logs', 'kinesis', 'sqs', 'sts'];

const PRIVATE_VPC = z.discriminatedUnion(
  'source',
  [
    z.strictObject({
      source: z.literal('create'),
      availabilityZones: z.array(AVAILABILITY_ZONE).min(1, { error: 'expected at least one availability zone (two or more for availability)' }),
      cidr: z
        .string()
        .regex(/^\d{1,3}(\.\d{1,3}){3}\/(1[6-9]|2[0-6])$/, { error: 'expected an IPv4 range from /16 to /26, e.g. 10.0.0.0/24' })
        .default('10.0.0.0/24'),
    }),
    z.strictObject({
      source: z.literal('existing'),
      vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, { error: 'expected a VPC id (vpc-...)' }),
      availabilityZones: z.array(AVAILABILITY_ZONE).min(1),
      privateSubnetIds: z
        .array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, { error: 'expected a subnet id (subnet-...)' }))
        .min(1)
        .describe('Subnets without a route to an internet or NAT gateway, in availability-zone order'),
      privateSubnetRouteTableIds: z
        .array(z.string().regex(/^rtb-[0-9a-f]{8,17}$/, { error: 'expected a route table id (rtb-...)' }))
        .default([])
        .describe('Route table of each private subnet (same order); needed for the S3 gateway endpoint'),
      dedicatedRouteTables: z
        .boolean()
        .default(false)
        .describe(
          'Only these private subnets use the route tables: required for the S3 gateway endpoint in an existing VPC (its route and policy apply to every subnet of a route table)',
        ),
      vpcCidrBlocks: z
        .array(
          z
            .string()
            .regex(/^(\d{1,3}(\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+:[0-9a-fA-F:]*\/\d{1,3})$/, { error: 'expected an IPv4 or IPv6 range, e.g. 10.20.0.0/16' }),
        )
        .default([])
        .describe(
          'Every range of the VPC (primary, secondary, IPv6): required with privateDnsServices (the endpoints with private DNS admit them; a range left out loses those services)',
        ),
      privateDnsServices: z
        .array(z.enum(ENDPOINT_SERVICES, { error: `expected one of ${ENDPOINT_SERVICES.join(', ')}` }))
        .default([])
        .describe(
          'Interface endpoints that get private DNS in this existing VPC (the whole VPC then calls the service through them): only for code that cannot use an endpoint name, such as the hosted rotation of Oracle, SQL Server, Redshift or MongoDB credentials (secretsmanager). The functions of the project (the PostgreSQL, MySQL and MariaDB rotation included) use endpoint names',
        ),
    }),
  ],
  { error: 'expected vpc.source to be "create" or "existing"' },
);

export const PRIVATE_FUNCTIONS_VPC = z.strictObject({
  accountId: ACCOUNT_ID,
  region: REGION,
  vpc: PRIVATE_VPC,
  interfaceEndpoints: z
    .array(z.enum(ENDPOINT_SERVICES, { error: `expected one of ${ENDPOINT_SERVICES.join(', ')}` }))
    .default([...DEFAULT_ENDPOINT_SERVICES])
    .describe(
      "Interface endpoints to create; leave out a service whose endpoint (with private DNS) already exists in an existing VPC; add lambda where an API key's registration hook is invoked",
    ),
  s3GatewayEndpoint: z
    .boolean()
    .optional()
    .describe(
      "Create the S3 gateway endpoint (the project's functions never call S3). Default: true for a created VPC, false for an existing one; in an existing VPC only with vpc.dedicatedRouteTables",
    ),
});
