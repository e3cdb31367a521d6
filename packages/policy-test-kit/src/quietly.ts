/**
 * Runs `fn` with `process.stderr` and `console.error` silenced, and puts both back afterwards, also
 * when `fn` throws. For tests that synthesize an app whose compliance gate fails on purpose (or
 * prints its findings): the gate writes each finding to stderr, which would bury the test output.
 * It hides output only; the test still asserts what `fn` returns or throws. Jest's spies: this kit
 * runs under Jest only.
 */
export function quietly<T>(fn: () => T): T {
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const errorSpy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    return fn();
  } finally {
    spy.mockRestore();
    errorSpy.mockRestore();
  }
}
