#!/usr/bin/env node
// Security account app (deployed first). Choose the environment with `-c env=dev|staging|prod`.
import { createApp, runMain, selectEnvironment } from '@cdk-guardrails/config';
import { buildSecurityApp } from '../security-app';

runMain(() => {
  const app = createApp();
  const { config } = selectEnvironment(app);
  buildSecurityApp(app, config);
  app.synth();
});
