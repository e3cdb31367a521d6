// Synthesizing stacks and loading the policy evaluator can take several seconds on a shared CI machine.
module.exports = require('../../jest.config.base')(__dirname, { testTimeout: 60_000 });
