import { GetBucketLocationCommand, S3Client } from '@aws-sdk/client-s3';
import { CliError, explainAwsError, isAccessDenied } from './errors';
import { WantedEncryption } from './target';

/** The region of a GetBucketLocation answer: none is us-east-1, "EU" the old name of eu-west-1. */
export function regionOfLocation(constraint: string | undefined | null): string {
  if (!constraint) return 'us-east-1';
  return constraint === 'EU' ? 'eu-west-1' : constraint;
}

/**
 * Checks the chosen KMS key against the bucket before anything is written. A key in another
 * region is an error: S3 uses a KMS key only in the bucket's region, so every encrypted write would
 * fail. A key of another account is a warning (returned): it can work, but that account's key policy
 * then decides who reads the data. The owner is checked with ExpectedBucketOwner (S3 answers 403
 * when the bucket belongs to another account), so no other service or permission is needed.
 */
export async function checkKeyLocation(client: S3Client, bucket: string, wanted: WantedEncryption): Promise<string[]> {
  if (wanted.kmsKeyArn === undefined) return [];
  const [, , , keyRegion, keyAccount] = wanted.kmsKeyArn.split(':');
  let bucketRegion: string;
  try {
    const location = await client.send(new GetBucketLocationCommand({ Bucket: bucket }));
    bucketRegion = regionOfLocation(location.LocationConstraint);
  } catch (err) {
    if (isAccessDenied(err)) {
      return [
        `warning: could not check that the key is in the region and account of '${bucket}' (s3:GetBucketLocation denied): S3 refuses every encrypted write with a key of another region`,
      ];
    }
    throw explainAwsError(err, 'GetBucketLocation', bucket);
  }
  if (keyRegion !== bucketRegion) {
    throw new CliError(
      'KeyInOtherRegion',
      `--kms-key-arn: received a key in ${keyRegion}; expected a key in ${bucketRegion}, the region of bucket '${bucket}': S3 uses a KMS key only in its bucket's region, ` +
        `so every encrypted write would fail. Choose a key in ${bucketRegion} (the replica of a multi-Region key there has its own ARN).`,
    );
  }
  try {
    await client.send(new GetBucketLocationCommand({ Bucket: bucket, ExpectedBucketOwner: keyAccount }));
    return [];
  } catch (err) {
    if (!isAccessDenied(err)) throw err;
    return [
      `warning: the key is in account ${keyAccount}, bucket '${bucket}' is not: the key policy in ${keyAccount} decides who may encrypt and decrypt its objects ` +
        "(the bucket's writers and readers need kms:GenerateDataKey and kms:Decrypt there), and whoever administers that key controls access to the data",
    ];
  }
}
