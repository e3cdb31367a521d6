/** The rotating secrets of a workload account: databases and API keys. */
import { ExemptionReason } from '@cdk-guardrails/facts';
import { isIP } from 'net';
import { z } from 'zod';
import { REGION } from './schema-primitives';

export const RESOURCE_NAME = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, {
  error: 'expected a lower-case name (letters, digits, "-", starting with a letter, at most 40 characters)',
});

/** Engines CDK HostedRotation supports, named as in the secret's "engine" field. */
export const DATABASE_ENGINES = ['mysql', 'postgres', 'oracle', 'mariadb', 'sqlserver', 'redshift', 'mongo'] as const;

/**
 * Engines rotated by @cdk-guardrails/secrets-rotation's own function (its role gets the permissions
 * boundary, its log group is a guardrail log group); the others by the Secrets Manager hosted rotation.
 */
export const OWN_ROTATION_DATABASE_ENGINES: readonly string[] = ['postgres', 'mysql', 'mariadb'];

/**
 * An existing database whose credentials the workload app manages and rotates. Network ids are
 * given explicitly (no context lookups, so synth needs no credentials).
 */
export const DATABASE = z
  .strictObject({
    name: RESOURCE_NAME,
    region: REGION,
    engine: z.enum(DATABASE_ENGINES, { error: `expected one of ${DATABASE_ENGINES.join(', ')}` }),
    host: z
      .string()
      .min(1, { error: 'expected the database host name' })
      .describe(
        "The name the database's TLS certificate carries (for Amazon RDS its endpoint, not a CNAME of your own): the rotation connects over TLS and verifies the certificate for this name",
      ),
    port: z.number().int().min(1).max(65535, { error: 'expected a TCP port, 1-65535' }).optional(),
    username: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, { error: 'expected a database user name (letters, digits, "_")' }),
    masterSecretArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/, {
        error: 'expected a Secrets Manager secret ARN; set it only for multi-user rotation',
      })
      .optional()
      .describe('With it, multi-user rotation (the master secret rotates the user); without it, single-user rotation'),
    vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, { error: 'expected a VPC id (vpc-...)' }),
    availabilityZones: z.array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, { error: 'expected an availability zone name such as eu-west-1a' })).min(1),
    privateSubnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, { error: 'expected a subnet id (subnet-...)' })).min(1),
    securityGroupId: z.string().regex(/^sg-[0-9a-f]{8,17}$/, { error: 'expected a security group id (sg-...)' }),
    hostedRotationAcceptance: z
      .string()
      .trim()
      .min(ExemptionReason.MIN_LENGTH, { error: `expected a reason of at least ${ExemptionReason.MIN_LENGTH} characters` })
      .optional()
      .describe(
        'Only for oracle, sqlserver, redshift and mongo: why the Secrets Manager hosted rotation is accepted, whose role AWS creates without the permissions boundary (bounded identities can neither change, pass nor assume it with principals.boundedRolePath). Without it such an engine is refused',
      ),
  })
  .superRefine((db, ctx) => {
    const own = OWN_ROTATION_DATABASE_ENGINES.includes(db.engine);
    if (!own && db.hostedRotationAcceptance === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['engine'],
        input: db.engine,
        message: `expected postgres, mysql or mariadb (rotated by our function, whose role carries the permissions boundary), or hostedRotationAcceptance: a reason to accept the Secrets Manager hosted rotation of ${db.engine}, whose role has no permissions boundary`,
      });
    }
    if (own && db.hostedRotationAcceptance !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['hostedRotationAcceptance'],
        input: db.hostedRotationAcceptance,
        message: `expected no hostedRotationAcceptance for ${db.engine}: our rotation function rotates it`,
      });
    }
    // Our rotation (PostgreSQL, MySQL, MariaDB) verifies the certificate's name; mysql2 cannot for an address.
    if (OWN_ROTATION_DATABASE_ENGINES.includes(db.engine) && isIP(db.host) !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['host'],
        input: db.host,
        message: `expected a DNS name, not an IP address, for ${db.engine}: the rotation verifies the name in the database's TLS certificate (for Amazon RDS, the endpoint)`,
      });
    }
  });

/**
 * An API key: its name, or its name and the registration hook that tells the partner or client the
 * new value at each rotation (a Lambda function and its execution role, same name in every region
 * of the account; the rotation invokes it for setSecret and testSecret, and it may read the pending
 * value). Required in production: a key that rotates without one changes a key nobody learns about.
 */
export const API_KEY = z.union(
  [
    RESOURCE_NAME,
    z.strictObject({
      name: RESOURCE_NAME,
      registrationHook: z.strictObject({
        functionName: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'expected a Lambda function name (1-64 letters, digits, "-", "_")' })
          .describe('The hook function, in every region of the account where the key exists'),
        roleName: z
          .string()
          .regex(/^[\w+=,.@-]{1,64}$/, { error: 'expected an IAM role name (1-64 letters, digits, "+=,.@_-")' })
          .describe("The hook's execution role: it is granted read of the pending and current values"),
      }),
    }),
  ],
  { error: 'expected an API key name (lower-case letters, digits, "-") or { "name", "registrationHook": { "functionName", "roleName" } }' },
);
