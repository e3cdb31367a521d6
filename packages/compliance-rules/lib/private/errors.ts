import { IConstruct } from 'constructs';

/**
 * Where an error comes from: a construct (its path leads the message) or, for code that is not a
 * construct, the name of the class: `GuardrailsChecks` is a cdk-nag pack (a validation plugin), not a
 * construct, and its optional scope is where findings are reported, not where a setting is wrong.
 */
export type ErrorScope = IConstruct | string;

/**
 * A synth-time validation error in the project's one style,
 * `<construct path>: <prop>: received <X>; expected <Y>`, optionally followed by a sentence on
 * how to fix it. Without a construct the message starts with the class name instead of a path:
 * `GuardrailsChecks: maxTokenSecretRotation: received 2 hours; expected at least 4 hours ...`.
 */
export function propError(scope: ErrorScope, prop: string, received: string, expected: string, fix?: string): Error {
  const where = typeof scope === 'string' ? scope : scope.node.path;
  return new Error(`${where}: ${prop}: received ${received}; expected ${expected}${fix === undefined ? '' : `. ${fix}`}`);
}
