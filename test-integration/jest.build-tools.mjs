// globalSetup of the unit tests: builds the operator tools (packages/config, packages/ops-tools)
// once, when stale, before the test files start the scripts in parallel workers. Each script would
// build them itself; doing it here keeps parallel runs from compiling into the same dist/ at once.
import { ensureToolsBuilt } from '../scripts/ops/tools.mjs';

export default function buildOperatorTools() {
  ensureToolsBuilt();
}
