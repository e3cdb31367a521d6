/**
 * The account baseline of every account the apps deploy to (workload accounts, the StackSet
 * baseline, the security account): each item switchable, all on by default. Nobody inside the
 * permissions boundary can undo them (`DenyAccountBaselineChanges`).
 */
import { z } from 'zod';

export const ACCOUNT_BASELINE_DEFAULT = { s3BlockPublicAccess: true, ebsEncryptionByDefault: true, blockSseCObjectWrites: true };

export const ACCOUNT_BASELINE = z
  .strictObject({
    s3BlockPublicAccess: z
      .boolean()
      .default(true)
      .describe("S3 Block Public Access for the whole account, all four settings (global: set once per account, by the home region's stack)"),
    ebsEncryptionByDefault: z
      .boolean()
      .default(true)
      .describe("EBS encryption by default in each of the account's regions, with that region's data key as the default KMS key"),
    blockSseCObjectWrites: z
      .boolean()
      .default(true)
      .describe("The apps' buckets refuse writes with customer-provided keys (SSE-C, BlockedEncryptionTypes); false writes NONE"),
  })
  .default(ACCOUNT_BASELINE_DEFAULT);
