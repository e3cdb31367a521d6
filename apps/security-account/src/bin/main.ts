#!/usr/bin/env node
// Security account app (deployed first). Choose the environment with `-c env=dev|staging|prod`.
// Every synth runs the compliance gate (src/compliance.ts) and writes the compliance report.
import { ComplianceReport } from '@cdk-guardrails/compliance-rules';
import { complianceReportOptions, createApp, runMain, selectEnvironment } from '@cdk-guardrails/app-kit';
import { addComplianceGate } from '../compliance';
import { buildSecurityApp } from '../security-app';

runMain(() => {
  const app = createApp();
  const { envName, config } = selectEnvironment(app);
  buildSecurityApp(app, config);
  addComplianceGate(app, config);
  ComplianceReport.synth(app, { appName: 'security-account', environment: envName, ...complianceReportOptions(envName) });
});
