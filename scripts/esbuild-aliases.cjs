// The workspace packages that Lambda handlers and CLIs bundle, mapped to their TypeScript sources:
// a bundle then never depends on a prior jsii build of that package (tests that bundle work on a
// fresh checkout, as jest maps the same packages to their sources). Only packages without an
// aws-cdk-lib import belong here: a bundle must not pull in aws-cdk-lib.
const path = require('path');

module.exports = {
  '@cdk-guardrails/facts': path.join(__dirname, '..', 'packages', 'facts', 'lib', 'index.ts'),
};
