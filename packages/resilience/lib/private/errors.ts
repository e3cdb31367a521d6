import { IConstruct } from 'constructs';

/**
 * A synth-time validation error in the project's one style,
 * `<construct path>: <prop>: received <X>; expected <Y>`, optionally followed by a sentence on
 * how to fix it.
 */
export function propError(scope: IConstruct, prop: string, received: string, expected: string, fix?: string): Error {
  return new Error(`${scope.node.path}: ${prop}: received ${received}; expected ${expected}${fix === undefined ? '' : `. ${fix}`}`);
}
