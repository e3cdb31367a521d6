#!/usr/bin/env node
// Workload account app (deployed after the security account app). Choose the environment with `-c env=dev|staging|prod`.
// Every synth runs the compliance gate (src/compliance.ts) and writes the compliance report.
import { join } from 'node:path';
import { ComplianceReport } from '@cdk-guardrails/compliance-rules';
import { complianceReportOptions, createApp, runMain, selectEnvironment } from '@cdk-guardrails/app-kit';
import { DEPLOYMENT_BOUNDARY_TEMPLATE } from '@cdk-guardrails/config';
import { addComplianceGate } from '../compliance';
import { writeDeploymentBoundary } from '../deployment-boundary';
import { writeResourceControlPolicies, writeServiceControlPolicies } from '../identities';
import { writePolicyValidationSettings } from '../policy-validation';
import { buildWorkloadApp } from '../workload-app';

runMain(() => {
  const app = createApp();
  const { envName, config } = selectEnvironment(app);
  buildWorkloadApp(app, config);
  addComplianceGate(app, config);
  ComplianceReport.synth(app, { appName: 'workload-account', environment: envName, ...complianceReportOptions(envName) });
  // SCP documents beside the assemblies (cdk.out/<env>/scp/*.json), packed for config organizationPolicies.targets: attached by hand, see docs.
  writeServiceControlPolicies(config, join(app.outdir, '..', 'scp'));
  // RCP documents (cdk.out/<env>/rcp/*.json), only with organizationId in config.
  writeResourceControlPolicies(config, join(app.outdir, '..', 'rcp'));
  // What validate-policies checks with IAM Access Analyzer (cdk.out/<env>/policy-validation.json).
  writePolicyValidationSettings(config, join(app.outdir, '..', 'policy-validation.json'));
  // The boundary of the CDK execution roles, deployed before cdk bootstrap (npm run deploy -- --print-bootstrap).
  writeDeploymentBoundary(config, join(app.outdir, '..', DEPLOYMENT_BOUNDARY_TEMPLATE.directory));
});
