// `npm run test:integration`: suites that call real AWS (no mocks) against the deployed stacks
// named in cfn-outputs/flat-outputs.json. Without that file or credentials every suite
// registers one passing test named "skipped: <reason>" and prints the reason.
const path = require('path');
const base = require('../jest.config.base')(__dirname);

module.exports = {
  ...base,
  displayName: 'integration',
  testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
  // Resolves credentials per account once (STS GetCallerIdentity) and prints what will be skipped.
  globalSetup: path.join(__dirname, 'src', 'preflight.ts'),
  // The central-logging suite polls for up to 5 minutes.
  testTimeout: 7 * 60 * 1000,
  maxWorkers: 2,
  verbose: true,
};
