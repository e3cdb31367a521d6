#!/usr/bin/env node
// The workload guardrails as service-managed StackSets (docs/stacksets.md). Targets come from
// config.stackSets (its regions are then in the region SCP), or from context: a JSON file path or
// inline JSON, validated by the same schema.
//
//   npm run build
//   cd apps/workload-account && npx cdk synth --app "node dist/bin/stackset.js" -c env=prod \
//     -c stackset-targets='{"organizationalUnitIds":["ou-ab12-cdef3456"],"regions":["us-east-1","eu-west-1"],"adminAccountId":"999999999999","adminRegion":"eu-west-1"}'
import { createApp, runMain, selectEnvironment } from '@cdk-guardrails/app-kit';
import { buildWorkloadStackSets, stackSetTargetsOf } from '../stackset';

runMain(() => {
  const app = createApp();
  const { config } = selectEnvironment(app);
  buildWorkloadStackSets(app, config, stackSetTargetsOf(config, app.node.tryGetContext('stackset-targets')));
  app.synth();
});
