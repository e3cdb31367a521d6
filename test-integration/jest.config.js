// `npm test` (and the root `npm test` through lerna): unit tests of the deploy / diff / destroy
// scripts (the operator tools they share have their own tests in packages/ops-tools) and of the
// apps' outputs. Never calls AWS. The integration suites are not run here: they run with
// `npm run test:integration` (jest.integration.config.js).
const path = require('path');
const base = require('../jest.config.base')(__dirname);

module.exports = {
  ...base,
  displayName: 'unit',
  testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
  // The scripts run the compiled operator tools (packages/ops-tools): built once, before any test starts a script.
  globalSetup: path.join(__dirname, 'jest.build-tools.mjs'),
};
