/** The resumable state of a re-encryption run: the worklist, progress saved after every object, the manifest. */
import { appendFileSync, copyFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { isKmsAlgorithm } from '../../lib/private/statements';
import { call, CliError } from './errors';
import { bucketArn, describeEncryption } from './target';
import { ReencryptOptions, ReencryptResult, ReencryptState } from './reencrypt-types';

export function loadOrCreateState(opts: ReencryptOptions): ReencryptState {
  if (existsSync(opts.stateFile)) {
    const state = JSON.parse(readFileSync(opts.stateFile, 'utf8')) as ReencryptState;
    if (
      state.bucket !== opts.bucket ||
      state.algorithm !== opts.wanted.algorithm ||
      state.kmsKeyArn !== opts.wanted.kmsKeyArn ||
      state.prefix !== opts.prefix
    ) {
      throw new CliError(
        'StateMismatch',
        `State file ${opts.stateFile} belongs to another run (bucket ${state.bucket}, ${describeEncryption(state)}, prefix ${state.prefix ?? '(none)'}); ` +
          `this run is bucket ${opts.bucket}, ${describeEncryption(opts.wanted)}, prefix ${opts.prefix ?? '(none)'}. Use another --state-file or delete it.`,
      );
    }
    return state;
  }
  const state: ReencryptState = {
    version: 1,
    bucket: opts.bucket,
    algorithm: opts.wanted.algorithm,
    kmsKeyArn: opts.wanted.kmsKeyArn,
    prefix: opts.prefix,
    worklist: `${opts.stateFile}.worklist.csv`,
    listingComplete: false,
    total: 0,
    nextIndex: 0,
    copied: 0,
    alreadyEncrypted: 0,
    changedDuringRun: 0,
    copiedMultipart: 0,
    failed: [],
  };
  saveState(opts.stateFile, state);
  return state;
}

export function saveState(file: string, state: ReencryptState): void {
  // write-then-rename, so an interruption never leaves a half-written checkpoint
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${file}.tmp`, file);
}

export async function listInto(client: S3Client, opts: ReencryptOptions, state: ReencryptState): Promise<void> {
  writeFileSync(state.worklist, '');
  let total = 0;
  let token: string | undefined;
  do {
    const page = await call('ListObjectsV2', opts.bucket, () =>
      client.send(
        new ListObjectsV2Command({
          Bucket: opts.bucket,
          Prefix: opts.prefix,
          ContinuationToken: token,
        }),
      ),
    );
    const lines = (page.Contents ?? []).filter((o) => o.Key !== undefined).map((o) => `${opts.bucket},${encodeKey(o.Key!)}\n`);
    if (lines.length > 0) appendFileSync(state.worklist, lines.join(''));
    total += lines.length;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  state.total = total;
}

/** Batch Operations CSV manifests need URL-encoded keys. */
export function encodeKey(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/');
}

export function readWorklist(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => decodeURIComponent(l.slice(l.indexOf(',') + 1)));
}

export function writeManifest(opts: ReencryptOptions, state: ReencryptState): ReencryptResult {
  const manifestFile = opts.manifestFile ?? `${opts.stateFile}.manifest.csv`;
  const jobSpecFile = `${manifestFile}.job.json`;
  copyFileSync(state.worklist, manifestFile);
  const kms = isKmsAlgorithm(opts.wanted.algorithm);
  // A draft input for `aws s3control create-job --cli-input-json`: fill in the <placeholders>.
  const job = {
    AccountId: '<account id of the bucket>',
    ConfirmationRequired: true,
    Description: `Re-encrypt ${opts.bucket} in place with ${describeEncryption(opts.wanted)}`,
    Priority: 10,
    RoleArn:
      '<role that S3 Batch Operations assumes: s3:GetObject*, s3:PutObject* on the bucket' +
      `${kms ? ', kms:Decrypt, kms:GenerateDataKey on the keys' : ''}; s3:GetObject on the manifest; s3:PutObject on the report bucket>`,
    Operation: {
      S3PutObjectCopy: {
        TargetResource: bucketArn(opts.bucket, opts.region),
        MetadataDirective: 'COPY',
        NewObjectMetadata: { SSEAlgorithm: kms ? 'KMS' : 'AES256' },
        ...(kms ? { SSEAwsKmsKeyId: opts.wanted.kmsKeyArn, BucketKeyEnabled: true } : {}),
      },
    },
    Manifest: {
      Spec: { Format: 'S3BatchOperations_CSV_20180820', Fields: ['Bucket', 'Key'] },
      Location: { ObjectArn: '<arn:aws:s3:::manifest-bucket/path/to/manifest.csv>', ETag: '<ETag of the uploaded manifest>' },
    },
    Report: {
      Bucket: '<arn:aws:s3:::report-bucket>',
      Prefix: `reencrypt/${opts.bucket}`,
      Format: 'Report_CSV_20180820',
      Enabled: true,
      ReportScope: 'FailedTasksOnly',
    },
  };
  writeFileSync(jobSpecFile, JSON.stringify(job, null, 2));
  return { mode: 'manifest', state, manifestFile, jobSpecFile };
}
