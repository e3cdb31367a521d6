#!/usr/bin/env node
// The workload guardrails as service-managed StackSets (docs/stacksets.md). Targets come from
// config.stackSets (its regions are then in the region SCP), or from context: a JSON file path or inline JSON.
//
//   npm run build
//   cd apps/workload-account && npx cdk synth --app "node dist/stackset-main.js" -c env=prod \
//     -c stackset-targets='{"organizationalUnitIds":["ou-ab12-cdef3456"],"regions":["us-east-1","eu-west-1"],"adminAccountId":"999999999999","adminRegion":"eu-west-1"}'
import { existsSync, readFileSync } from 'node:fs';
import { createApp, runMain, selectEnvironment } from '@cdk-guardrails/app-kit';
import { buildWorkloadStackSets, StackSetTargets } from './stackset';

/** Reads the `stackset-targets` context: inline JSON, or the path of a JSON file. */
export function stackSetTargetsFromContext(value: unknown): StackSetTargets {
  if (value === undefined || value === null || value === '') {
    throw new Error('stackset-targets: received nothing; expected config.stackSets, or -c stackset-targets=<JSON or file> with organizationalUnitIds, regions, adminAccountId, adminRegion (docs/stacksets.md)');
  }
  if (typeof value === 'object') return value as StackSetTargets;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a context value that is not an object: a string (or a number)
  const text = String(value).trim();
  const json = text.startsWith('{') ? text : existsSync(text) ? readFileSync(text, 'utf8') : undefined;
  if (json === undefined) throw new Error(`stackset-targets: received "${text}"; expected inline JSON or the path of an existing JSON file`);
  try {
    return JSON.parse(json) as StackSetTargets;
  } catch (e) {
    throw new Error(`stackset-targets: not valid JSON (${(e as Error).message})`, { cause: e });
  }
}

if (require.main === module) {
  runMain(() => {
    const app = createApp();
    const { config } = selectEnvironment(app);
    // The context overrides config.stackSets (validated by the config loader); one of them is required.
    const fromContext = app.node.tryGetContext('stackset-targets');
    buildWorkloadStackSets(app, config, fromContext === undefined && config.stackSets !== undefined
      ? config.stackSets
      : stackSetTargetsFromContext(fromContext));
    app.synth();
  });
}
