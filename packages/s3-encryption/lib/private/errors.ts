/**
 * A synth-time validation error in the project's one style,
 * `<construct path>: <prop>: received <X>; expected <Y>`, optionally followed by a sentence on how
 * to fix it. `path` is the construct path (`scope.node.path + '/' + id` before the construct exists).
 */
export function propError(path: string, prop: string, received: string, expected: string, fix?: string): Error {
  return new Error(`${path}: ${prop}: received ${received}; expected ${expected}${fix === undefined ? '' : `. ${fix}`}`);
}
