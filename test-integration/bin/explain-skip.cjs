#!/usr/bin/env node
// Printed by `npm test` after the unit tests: the integration suites call real AWS and are never
// part of `npm test`. Says so, and why, so that nobody reads a green run as "integration passed".
console.log(
  [
    '',
    'integration suites: skipped by `npm test` (they call real AWS with your credentials and need deployed stacks).',
    '  Run them with: npm run test:integration   (reads cfn-outputs/flat-outputs.json, written by npm run deploy -- --env <name>)',
    '  Credentials per account: GUARDRAILS_ACCOUNT_PROFILES="security=<profile>,<workload name>=<profile>"; see test-integration/README.md.',
    '',
  ].join('\n'),
);
