// Shared Jest settings for every workspace.
//
// Tests run the TypeScript sources through SWC (no type-checking: the jsii /
// tsc build does that), and map the project's own packages to their sources so
// `npm test` needs no prior build.
const path = require('path');

const repoRoot = __dirname;

/** @param {string} packageDir absolute path of the workspace */
module.exports = function jestConfig(packageDir, overrides = {}) {
  return {
    rootDir: packageDir,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    transform: {
      '^.+\\.tsx?$': [
        '@swc/jest',
        {
          jsc: {
            parser: { syntax: 'typescript', decorators: true },
            target: 'es2022',
          },
          module: { type: 'commonjs' },
          sourceMaps: 'inline',
        },
      ],
    },
    // Prefer .ts over the .js that jsii writes next to it, so a stale build is never tested.
    moduleFileExtensions: ['ts', 'js', 'json'],
    moduleNameMapper: {
      '^@cdk-guardrails/config$': path.join(repoRoot, 'packages/config/src/index.ts'),
      '^@cdk-guardrails/policy-test-kit$': path.join(repoRoot, 'packages/policy-test-kit/src/index.ts'),
      '^@cdk-guardrails/([a-z-]+)$': path.join(repoRoot, 'packages/$1/lib/index.ts'),
    },
    testPathIgnorePatterns: ['/node_modules/', '/dist/', '/cdk.out/'],
    watchPathIgnorePatterns: ['/cdk.out/'],
    ...overrides,
  };
};
