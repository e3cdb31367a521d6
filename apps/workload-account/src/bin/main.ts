#!/usr/bin/env node
// Workload account app (deployed after the security account app). Choose the environment with `-c env=dev|staging|prod`.
// Every synth runs the compliance gate (src/compliance.ts) and writes the compliance report.
import { ComplianceReport } from '@cdk-guardrails/compliance-rules';
import { createApp, runMain, selectEnvironment } from '@cdk-guardrails/config';
import { addComplianceGate } from '../compliance';
import { buildWorkloadApp } from '../workload-app';

runMain(() => {
  const app = createApp();
  const { envName, config } = selectEnvironment(app);
  buildWorkloadApp(app, config);
  addComplianceGate(app, config);
  ComplianceReport.synth(app, { appName: 'workload-account', environment: envName });
});
