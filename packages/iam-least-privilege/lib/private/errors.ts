import { IConstruct } from 'constructs';

/**
 * Where an error comes from: a construct (its path leads the message) or, for code that has no
 * construct (static helpers, SCP and policy builders), the name of the class and method or of the
 * function, such as `ServiceControlPolicy.regionRestriction` or `PolicyStatementBuilder.allow`.
 */
export type ErrorScope = IConstruct | string;

/**
 * A synth-time validation error in the project's one style,
 * `<construct path>: <prop>: received <X>; expected <Y>`, optionally followed by a sentence on
 * how to fix it.
 *
 * Without a construct, the message starts with the class and method (or function) name instead
 * of a construct path: `ServiceControlPolicy.regionRestriction: allowedRegions: received ...; expected ...`.
 */
export function propError(scope: ErrorScope, prop: string, received: string, expected: string, fix?: string): Error {
  const where = typeof scope === 'string' ? scope : scope.node.path;
  return new Error(`${where}: ${prop}: received ${received}; expected ${expected}${fix === undefined ? '' : `. ${fix}`}`);
}

/**
 * The path the construct `id` will have under `scope`, for errors thrown before `super()` (where
 * `this` is not usable yet).
 */
export function childPath(scope: IConstruct, id: string): string {
  return scope.node.path === '' ? id : `${scope.node.path}/${id}`;
}
