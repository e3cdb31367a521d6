/** AWS Security Hub in every account of the environment (config securityHub). */
import { z } from 'zod';
import { REGION } from './schema-primitives';

const STANDARDS_DEFAULT = { foundationalBestPractices: true, cisFoundationsBenchmark: true, pciDss: false };

/**
 * Off unless enabled: AWS allows one hub per account and region, and an organization's delegated
 * administrator often enables Security Hub already (the stack would then fail to create the hub).
 */
export const SECURITY_HUB = z.strictObject({
  enabled: z
    .boolean()
    .default(false)
    .describe(
      'Security Hub (consolidated control findings, new controls enabled automatically) in every workload account and region and in the security account; false where the organization enables it',
    ),
  standards: z
    .strictObject({
      foundationalBestPractices: z.boolean().default(true).describe('AWS Foundational Security Best Practices v1.0.0'),
      cisFoundationsBenchmark: z.boolean().default(true).describe('CIS AWS Foundations Benchmark v5.0.0'),
      pciDss: z.boolean().default(false).describe('PCI DSS v4.0.1 (for accounts in scope of a cardholder data environment; billed per check)'),
    })
    .default(STANDARDS_DEFAULT)
    .describe('The standards enabled in each hub'),
  aggregationRegions: z
    .array(REGION)
    .default([])
    .describe(
      'Regions whose findings the security account aggregates into its first region (a finding aggregator there); each must be another region of securityAccount.regions. Across accounts it needs a delegated administrator (see the detective-controls README)',
    ),
});

export const SECURITY_HUB_DEFAULT = { enabled: false, standards: STANDARDS_DEFAULT, aggregationRegions: [] };
