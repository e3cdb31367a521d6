#!/usr/bin/env node
// Workload account app (deployed after the security account app). Choose the environment with `-c env=dev|staging|prod`.
import { createApp, runMain, selectEnvironment } from '@cdk-guardrails/config';
import { buildWorkloadApp } from '../workload-app';

runMain(() => {
  const app = createApp();
  const { config } = selectEnvironment(app);
  buildWorkloadApp(app, config);
  app.synth();
});
