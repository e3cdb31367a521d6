import { _kmsKeyChoiceProblem } from '@cdk-guardrails/facts';
import { Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
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

/**
 * Refuse an alias, and a key of another account or region than the construct's stack (when both
 * are literal), with the one check of `@cdk-guardrails/facts`: CloudWatch Logs, Kinesis and SQS use
 * a key of their own region only, and another account's owner can disable its key (the evidence
 * pipeline then stops) or decide who decrypts.
 */
export function requireKeyOfStack(scope: IConstruct, prop: string, key: kms.IKey): void {
  if (key === undefined) return;
  const problem = _kmsKeyChoiceProblem(key, Stack.of(scope));
  if (problem !== undefined) throw propError(scope, prop, problem.received, problem.expected, problem.fix);
}
