import { IConstruct } from 'constructs';

/**
 * A synth-time validation error in the project's one style,
 * `<construct path>: <prop>: received <X>; expected <Y>`, optionally followed by a sentence on how
 * to fix it. `path` is the construct path ({@link childPath} before the construct exists); for code
 * that is not a construct (an Aspect, a policy builder, a static factory) it is the class name, or
 * `Class.method` for a method or static factory: `EncryptionMode.sseKms: key: received ...`.
 */
export function propError(path: string, prop: string, received: string, expected: string, fix?: string): Error {
  return new Error(`${path}: ${prop}: received ${received}; expected ${expected}${fix === undefined ? '' : `. ${fix}`}`);
}

/** The path the construct `id` will have under `scope`, for errors thrown before `super()`. */
export function childPath(scope: IConstruct, id: string): string {
  return scope.node.path === '' ? id : `${scope.node.path}/${id}`;
}
