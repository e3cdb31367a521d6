#!/usr/bin/env node
// npm run dead-letters -- --env <name> --region <region> [--queue-url <url>] [--profile <aws profile>] [--out <dir>] [--delete]
//
// Exports the central log forwarder's dead letters of one region (security account) to files, one per
// dead letter (its reason, source and payload, decoded), before the queue's 14-day retention drops
// them. With --delete, the messages of each dead letter are deleted once its file is on disk.
// The queue URL comes from cfn-outputs/flat-outputs.json (npm run deploy writes it) or --queue-url.
// Credentials: --profile, else the ambient ones; they need sqs:ReceiveMessage (and DeleteMessage with
// --delete) on the queue and kms:Decrypt on the logs key: a guardrail administrator's (the queue and the
// key let nobody else read it). Expects a prior `npm run build`.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

if (!existsSync(join(root, 'packages/ops-tools/dist/index.js'))) {
  console.error('dead-letters: packages are not built; run `npm run build` first.');
  process.exit(1);
}
const { parseDeadLetterArgs, deadLetterQueueUrl, exportDeadLetters, sqsDeadLetterClient, OpsError } = require(join(root, 'packages/ops-tools/dist/index.js'));
try {
  const args = parseDeadLetterArgs(process.argv.slice(2));
  const flatFile = join(root, 'cfn-outputs', 'flat-outputs.json');
  const flat = existsSync(flatFile) ? JSON.parse(readFileSync(flatFile, 'utf8')) : {};
  const queueUrl = deadLetterQueueUrl(args, flat);
  const outDir = args.outDir ?? join(root, 'dead-letters', args.env, args.region, new Date().toISOString().replace(/[:.]/g, '-'));
  const result = await exportDeadLetters({
    client: sqsDeadLetterClient(args.region, args.profile),
    queueUrl,
    outDir,
    deleteAfterWrite: args.deleteAfterWrite,
  });
  console.log(`dead-letters: ${result.written.length} dead letter(s) written to ${outDir}`);
  for (const [reason, n] of Object.entries(result.byReason)) console.log(`  ${reason}: ${n}`);
  if (args.deleteAfterWrite) console.log(`  ${result.deletedMessages} message(s) deleted from the queue`);
  if (result.incomplete.length > 0) {
    console.log(`  ${result.incomplete.length} dead letter(s) with a part missing stay in the queue (run again later)`);
    process.exitCode = 1;
  }
  if (result.unreadable > 0) {
    console.log(`  ${result.unreadable} message(s) that are not dead-letter parts stay in the queue (copies under unreadable/)`);
    process.exitCode = 1;
  }
} catch (e) {
  if (e instanceof OpsError) {
    console.error(e.message);
    process.exit(e.exitCode ?? 1);
  }
  // The AWS SDK's errors (no credentials, access denied, no such queue): what happened, no stack trace.
  if (e instanceof Error && (e.name === 'CredentialsProviderError' || e.$metadata !== undefined)) {
    console.error(`dead-letters: ${e.name}: ${e.message}${e.name === 'CredentialsProviderError' ? ' (pass --profile, or set AWS credentials)' : ''}`);
    process.exit(1);
  }
  throw e;
}
