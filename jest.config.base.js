// Shared Jest settings for every workspace.
//
// Tests run the TypeScript sources through ts-jest, transpile only (no type-checking: the jsii /
// tsc build does that), and map the project's own packages to their sources so
// `npm test` needs no prior build.
const path = require('path');

const repoRoot = __dirname;

/** @param {string} packageDir absolute path of the workspace */
module.exports = function jestConfig(packageDir, overrides = {}) {
  const isApp = packageDir.split(path.sep).includes('apps');
  return {
    rootDir: packageDir,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    transform: {
      // ts-jest in transpile-only mode (isolatedModules in tsconfig.jest.json): fast, pure JavaScript (no native
      // binaries, so `npm ci` works from any registry mirror), no type-checking at test time.
      '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(repoRoot, 'tsconfig.jest.json') }],
    },
    // Prefer .ts over the .js that jsii writes next to it, so a stale build is never tested.
    moduleFileExtensions: ['ts', 'js', 'json'],
    moduleNameMapper: {
      '^@cdk-guardrails/config$': path.join(repoRoot, 'packages/config/src/index.ts'),
      '^@cdk-guardrails/app-kit$': path.join(repoRoot, 'packages/app-kit/src/index.ts'),
      '^@cdk-guardrails/ops-tools$': path.join(repoRoot, 'packages/ops-tools/src/index.ts'),
      '^@cdk-guardrails/policy-test-kit$': path.join(repoRoot, 'packages/policy-test-kit/src/index.ts'),
      '^@cdk-guardrails/([a-z0-9-]+)$': path.join(repoRoot, 'packages/$1/lib/index.ts'),
    },
    setupFiles: isApp ? [] : [path.join(repoRoot, 'jest.no-cfn-validation.js')],
    // Jest's default is one worker less than the cores: on a 2-core CI machine, one worker, one core idle
    // while the apps' test files synthesize whole environments (minutes of CPU). The apps' files are
    // independent (each synthesizes into its own temporary directory), so they use every core; the
    // packages' suites are short enough that a second worker's start-up costs more than it saves.
    ...(isApp ? { maxWorkers: '100%' } : {}),
    // Remove the temporary cloud assemblies each test file synthesizes.
    setupFilesAfterEnv: [path.join(repoRoot, 'jest.clean-cdk-out.js')],
    testPathIgnorePatterns: ['/node_modules/', '/dist/', '/cdk.out/'],
    watchPathIgnorePatterns: ['/cdk.out/'],
    ...overrides,
  };
};
