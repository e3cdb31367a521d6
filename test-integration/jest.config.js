// `npm test` (and the root `npm test` through lerna): unit tests of the deploy / diff / destroy
// scripts and of the apps' outputs. Never calls AWS. The integration suites are not run here:
// they run with `npm run test:integration` (jest.integration.config.js).
const base = require('../jest.config.base')(__dirname);

module.exports = {
  ...base,
  displayName: 'unit',
  testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
  // the scripts' shared logic is CommonJS (scripts/ops/lib.cjs)
  moduleFileExtensions: [...base.moduleFileExtensions, 'cjs'],
};
