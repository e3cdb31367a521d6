import { IConstruct } from 'constructs';

/**
 * A synth-time validation error in the project's one style,
 * `<construct path>: <prop>: received <X>; expected <Y>`, optionally followed by a sentence on
 * how to fix it.
 *
 * Where there is no construct (a static helper), the prefix is the class and method name
 * instead of a construct path, for example `RotationSchedule.forClass`: use {@link namedPropError}.
 */
export function propError(scope: IConstruct, prop: string, received: string, expected: string, fix?: string): Error {
  return namedPropError(scope.node.path, prop, received, expected, fix);
}

/**
 * Same style as {@link propError} with an explicit prefix: a construct path, or `Class.method`
 * for static helpers that have no construct.
 */
export function namedPropError(prefix: string, prop: string, received: string, expected: string, fix?: string): Error {
  return new Error(`${prefix}: ${prop}: received ${received}; expected ${expected}${fix === undefined ? '' : `. ${fix}`}`);
}
