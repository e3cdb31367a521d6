/**
 * s3-encryption-migrate: bring existing buckets under the s3-encryption guarantees.
 *
 *   report     list buckets, their default encryption and whether their policy enforces it
 *   apply      set default encryption and merge the enforcing statements into the existing policy
 *   reencrypt  re-encrypt existing objects in place (resumable; multipart copy over 5 GiB), or write a Batch Operations manifest
 *
 * The commands are thin: the logic is in ./core (plain functions taking an S3Client).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { MinimumTls } from '@cdk-guardrails/facts';
import { SingleBar, Presets } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import {
  applyEncryption,
  checkKeyLocation,
  CliError,
  explainEnvironmentError,
  formatApplyResult,
  formatReencryptPlan,
  formatReencryptResult,
  formatReport,
  planReencryption,
  reencryptBucket,
  reportBuckets,
  wantedEncryption,
} from './core';
import { version as PACKAGE_VERSION } from '../package.json';

export interface CliIo {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  /** S3 client factory (tests pass a fake). */
  readonly client: (region?: string) => S3Client;
  /** Show a progress bar (a TTY). */
  readonly progress?: boolean;
  readonly signal?: AbortSignal;
}

function positiveNumber(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number, received '${v}'`);
    return n;
  };
}

function tlsVersion(v: string): number {
  const n = Number(v);
  if (!MinimumTls.S3_ALLOWED_VERSIONS.includes(n))
    throw new InvalidArgumentError(`must be one of ${MinimumTls.S3_ALLOWED_VERSIONS.join(', ')}, received '${v}'`);
  return n;
}

/** Run the CLI with `argv` (without node and script). Returns the exit code. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const program = new Command()
    .name('s3-encryption-migrate')
    .description('Report, enforce and re-encrypt existing S3 buckets (the statements of @cdk-guardrails/s3-encryption)')
    .version(PACKAGE_VERSION, '--version', 'print the version of @cdk-guardrails/s3-encryption')
    .option('--region <region>', 'AWS region of the client (buckets in other regions are followed)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  let exitCode = 0;

  program
    .command('report')
    .description('list buckets with their default encryption and whether their policy enforces it')
    .option('--bucket <name...>', 'only these buckets (default: every bucket of the account)')
    .option('--json', 'print JSON')
    .action(async (o: { bucket?: string[]; json?: boolean }) => {
      const region = program.opts().region as string | undefined;
      const rows = await reportBuckets(io.client(region), { buckets: o.bucket, region });
      io.stdout(`${o.json ? JSON.stringify(rows, null, 2) : formatReport(rows)}\n`);
      if (rows.some((r) => r.error)) exitCode = 1;
    });

  program
    .command('apply')
    .description('set default encryption and merge the enforcing statements into the bucket policy (no statement is dropped)')
    .requiredOption('--bucket <name>', 'bucket to change')
    .option('--sse-s3', 'SSE-S3 (AES256)')
    .option('--kms-key-arn <arn>', 'SSE-KMS with this key ARN (Bucket Keys on)')
    .option('--min-tls <version>', 'also deny TLS below 1.2 or 1.3', tlsVersion)
    .option('--allow-key-change', 'allow replacing the KMS key the bucket uses now')
    .option('--dry-run', 'print the policy before and after, change nothing')
    .action(async (o: { bucket: string; sseS3?: boolean; kmsKeyArn?: string; minTls?: number; allowKeyChange?: boolean; dryRun?: boolean }) => {
      const region = program.opts().region as string | undefined;
      const wanted = wantedEncryption(o);
      for (const warning of await checkKeyLocation(io.client(region), o.bucket, wanted)) io.stderr(`${warning}\n`);
      const result = await applyEncryption(io.client(region), {
        bucket: o.bucket,
        wanted,
        minimumTlsVersion: o.minTls,
        allowKeyChange: o.allowKeyChange,
        dryRun: o.dryRun,
        region,
      });
      io.stdout(`${formatApplyResult(result)}\n`);
    });

  program
    .command('reencrypt')
    .description(
      're-encrypt objects not yet in the wanted mode with an in-place copy (resumable; objects over 5 GiB by multipart copy), ' +
        'or write an S3 Batch Operations manifest for large buckets (Batch Operations copies objects up to 5 GB only)',
    )
    .requiredOption('--bucket <name>', 'bucket whose objects to re-encrypt')
    .option('--sse-s3', 'SSE-S3 (AES256)')
    .option('--kms-key-arn <arn>', 'SSE-KMS with this key ARN (Bucket Keys on)')
    .option('--prefix <prefix>', 'only objects under this prefix')
    .option('--state-file <file>', 'checkpoint file (a rerun continues from it)')
    .option('--rate <n>', 'objects per second (an object over 5 GiB takes one more per request of its multipart copy)', positiveNumber('--rate'), 50)
    .option('--batch-threshold <n>', 'above this many objects write a Batch Operations manifest instead', positiveNumber('--batch-threshold'), 100_000)
    .option('--manifest', 'write the Batch Operations manifest whatever the count')
    .option('--manifest-file <file>', 'where to write the manifest')
    .option('--dry-run', 'list and HeadObject only: count what a run would copy; copy nothing, write no state file')
    .action(
      async (o: {
        bucket: string;
        sseS3?: boolean;
        kmsKeyArn?: string;
        prefix?: string;
        stateFile?: string;
        dryRun?: boolean;
        rate: number;
        batchThreshold: number;
        manifest?: boolean;
        manifestFile?: string;
      }) => {
        const region = program.opts().region as string | undefined;
        const wanted = wantedEncryption(o);
        for (const warning of await checkKeyLocation(io.client(region), o.bucket, wanted)) io.stderr(`${warning}\n`);
        if (o.dryRun) {
          const plan = await planReencryption(io.client(region), { bucket: o.bucket, wanted, prefix: o.prefix, ratePerSecond: o.rate });
          io.stdout(`${formatReencryptPlan(plan)}\n`);
          return;
        }
        const bar = io.progress
          ? new SingleBar({ format: 'reencrypt [{bar}] {value}/{total} objects | {copied} copied | ETA {eta_formatted}' }, Presets.shades_classic)
          : undefined;
        let started = false;
        try {
          const result = await reencryptBucket(io.client(region), {
            bucket: o.bucket,
            wanted,
            prefix: o.prefix,
            stateFile: o.stateFile ?? `.s3-encryption-reencrypt-${o.bucket}.json`,
            ratePerSecond: o.rate,
            batchThreshold: o.batchThreshold,
            forceManifest: o.manifest,
            manifestFile: o.manifestFile,
            region,
            signal: io.signal,
            onProgress: (p) => {
              if (!bar) return;
              if (!started) {
                bar.start(p.total, p.done - 1, { copied: p.copied });
                started = true;
              }
              bar.update(p.done, { copied: p.copied });
            },
          });
          if (started) {
            bar?.stop();
            started = false;
          }
          io.stdout(`${formatReencryptResult(result)}\n`);
          if (result.mode === 'interrupted' || result.state.failed.length > 0) exitCode = 1;
        } finally {
          if (started) bar?.stop();
        }
      },
    );

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (caught) {
    const err = explainEnvironmentError(caught);
    if (err instanceof CliError) {
      io.stderr(`error (${err.code}): ${err.message}\n`);
      return 1;
    }
    const e = err as { code?: string; exitCode?: number };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) {
      // commander already printed the message (or the help)
      return e.exitCode ?? 1;
    }
    // Not an expected condition: the stack helps whoever reports it.
    io.stderr(`error: ${(err as Error).stack ?? String(err)}\n`);
    return 2;
  }
}

if (require.main === module) {
  const controller = new AbortController();
  // First Ctrl-C: stop after the current object (or, in a multipart copy, the current part: the upload is
  // aborted and the object copied again by the next run) and save the checkpoint. Second: exit at once.
  process.once('SIGINT', () => {
    process.stderr.write('\nstopping after the current object or part (Ctrl-C again to quit now)...\n');
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  void run(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    client: (region) => new S3Client({ region, followRegionRedirects: true }),
    progress: process.stderr.isTTY === true,
    signal: controller.signal,
  }).then((code) => {
    process.exitCode = code;
  });
}
