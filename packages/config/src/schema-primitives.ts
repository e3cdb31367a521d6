/** The field formats every section of the config schema uses (accounts, regions, retention, key ARNs, CIDR blocks). */
import { DefaultLogClass, IamEvents, KmsKeyArn } from '@cdk-guardrails/facts';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { z } from 'zod';

/** Every region aws-cdk-lib knows (its region-info module is maintained with each release). */
export const KNOWN_REGIONS: readonly string[] = RegionInfo.regions.map((r) => r.name).sort();

/** Retention values CloudWatch Logs accepts, taken from aws-cdk-lib (never-expire excluded: every class has a retention). */
export const ALLOWED_RETENTION_DAYS: readonly number[] = Object.values(RetentionDays)
  .filter((v): v is number => typeof v === 'number' && v !== RetentionDays.INFINITE)
  .sort((a, b) => a - b);

/** IAM is global: its events reach EventBridge only in us-east-1, so IAM-change capture always runs there. */
export const IAM_EVENTS_REGION = IamEvents.REGION;

/** Class retention defaults: audit 10 years, security 90 days, app 30 days. */
export const DEFAULT_RETENTION_DAYS = {
  audit: DefaultLogClass.AUDIT.retentionDays,
  security: DefaultLogClass.SECURITY.retentionDays,
  app: DefaultLogClass.APP.retentionDays,
} as const;

/** Rotation defaults and the prod class limits: DB credentials 30 days, API keys and service tokens 90 days. */
export const DEFAULT_ROTATION_DAYS = { database: 30, apiKey: 90, serviceToken: 90 } as const;
export const PROD_MAX_ROTATION_DAYS = DEFAULT_ROTATION_DAYS;

export const ACCOUNT_ID = z
  .string({ error: 'expected a 12-digit AWS account id as a string' })
  .regex(/^\d{12}$/, { error: 'expected a 12-digit AWS account id (digits only, as a string)' });

export const REGION = z.enum(KNOWN_REGIONS as [string, ...string[]], {
  error: `expected a known AWS region (${KNOWN_REGIONS.join(', ')})`,
});

export const REGIONS = z
  .array(REGION)
  .min(1, { error: 'expected at least one region' })
  .refine((rs) => new Set(rs).size === rs.length, { error: 'expected each region once (duplicate region)' });

export const ORGANIZATION_ID = z.string().regex(/^o-[a-z0-9]{10,32}$/, {
  error: 'expected an AWS Organizations id: "o-" followed by 10 to 32 lower-case letters or digits',
});

export const RETENTION = z.number({ error: 'expected a number of days' }).refine((d) => ALLOWED_RETENTION_DAYS.includes(d), {
  error: `expected a retention CloudWatch Logs allows: ${ALLOWED_RETENTION_DAYS.join(', ')} days`,
});

/** Secrets Manager allows 4 hours to 1000 days; the config counts in whole days. */
export const ROTATION_DAYS = z
  .number({ error: 'expected a number of days' })
  .int({ error: 'expected a whole number of days' })
  .min(1, { error: 'expected at least 1 day (Secrets Manager allows 4 hours to 1000 days; the config counts whole days)' })
  .max(1000, { error: 'expected at most 1000 days (the Secrets Manager maximum)' });

export const KEY_ARN = z.string().regex(new RegExp(KmsKeyArn.KEY_ARN_PATTERN), {
  error: 'expected a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>); an alias ARN cannot pin a key',
});

export const CIDR = z.string().refine(isCidr, { error: 'expected an IPv4 or IPv6 CIDR block such as 203.0.113.0/24' });

export function isCidr(value: string): boolean {
  const [addr, prefix, ...rest] = value.split('/');
  if (rest.length > 0 || prefix === undefined || !/^\d{1,3}$/.test(prefix)) return false;
  const bits = Number(prefix);
  if (addr.includes(':')) {
    return bits <= 128 && /^[0-9a-fA-F:]+$/.test(addr) && (addr.match(/::/g) ?? []).length <= 1;
  }
  const octets = addr.split('.');
  return bits <= 32 && octets.length === 4 && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255);
}
