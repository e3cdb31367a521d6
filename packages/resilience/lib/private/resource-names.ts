import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { propError } from './errors';

/**
 * The naming rules of the resources this package can name. The permissions boundary and the SCPs
 * of `@cdk-guardrails/iam-least-privilege` protect guardrail resources by name, so a name that
 * AWS would refuse must fail at synth, not at deploy half-way through a stack.
 */
interface NameRule {
  /** What the name is, in messages. */
  readonly what: string;
  readonly pattern: RegExp;
  readonly maxLength: number;
  /** What is allowed, in messages. */
  readonly allowed: string;
}

/** CloudWatch Logs CreateLogGroup: 1 to 512 characters, not starting with 'aws/'. */
export const LOG_GROUP_NAME: NameRule = {
  what: 'log group name',
  pattern: /^(?!aws\/)[A-Za-z0-9._\-/#]+$/,
  maxLength: 512,
  allowed: "1 to 512 letters, digits, '.', '_', '-', '/' or '#', not starting with 'aws/'",
};

/**
 * Fails, naming the construct and the prop, when a resolved `value` breaks `rule`. Unresolved
 * tokens are left to CloudFormation. `undefined` (the prop is not set) passes.
 */
export function validateName(scope: IConstruct, prop: string, value: string | undefined, rule: NameRule): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (value.length === 0 || value.length > rule.maxLength || !rule.pattern.test(value)) {
    throw propError(scope, prop, `${JSON.stringify(value)} (${value.length} characters)`, `${rule.allowed} (${rule.what})`);
  }
}
