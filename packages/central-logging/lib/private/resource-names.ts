import { Token } from 'aws-cdk-lib';

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

/** Lambda CreateFunction: a function name of 1 to 64 characters. */
export const FUNCTION_NAME: NameRule = {
  what: 'Lambda function name',
  pattern: /^[A-Za-z0-9_-]+$/,
  maxLength: 64,
  allowed: "1 to 64 letters, digits, '-' or '_'",
};

/** CloudWatch Logs CreateLogGroup: 1 to 512 characters, not starting with 'aws/'. */
export const LOG_GROUP_NAME: NameRule = {
  what: 'log group name',
  pattern: /^(?!aws\/)[A-Za-z0-9._\-/#]+$/,
  maxLength: 512,
  allowed: "1 to 512 letters, digits, '.', '_', '-', '/' or '#', not starting with 'aws/'",
};

/** Kinesis CreateStream: 1 to 128 characters. */
export const STREAM_NAME: NameRule = {
  what: 'Kinesis stream name',
  pattern: /^[A-Za-z0-9_.-]+$/,
  maxLength: 128,
  allowed: "1 to 128 letters, digits, '_', '.' or '-'",
};

/** SQS CreateQueue, standard queue: 1 to 80 characters (a FIFO name would end in '.fifo'). */
export const QUEUE_NAME: NameRule = {
  what: 'SQS queue name',
  pattern: /^[A-Za-z0-9_-]+$/,
  maxLength: 80,
  allowed: "1 to 80 letters, digits, '-' or '_' (a standard queue, no '.fifo')",
};

/** CloudWatch PutMetricAlarm: 1 to 255 characters. */
export const ALARM_NAME: NameRule = {
  what: 'CloudWatch alarm name',
  // PutMetricAlarm accepts up to 255 printable characters; kept to what an ARN pattern matches plainly.
  pattern: /^[A-Za-z0-9._-]+$/,
  maxLength: 255,
  allowed: "1 to 255 letters, digits, '.', '_' or '-'",
};

/** IAM CreateRole: a role name of 1 to 64 characters. */
export const ROLE_NAME: NameRule = {
  what: 'IAM role name',
  pattern: /^[A-Za-z0-9+=,.@_-]+$/,
  maxLength: 64,
  allowed: "1 to 64 letters, digits or '+=,.@_-'",
};

/** CloudTrail CreateTrail: 3 to 128 characters, starting and ending with a letter or digit, no two adjacent '._-'. */
export const TRAIL_NAME: NameRule = {
  what: 'CloudTrail trail name',
  pattern: /^(?=.{3,})[A-Za-z0-9](?:[A-Za-z0-9]|[._-](?![._-]))*[A-Za-z0-9]$/,
  maxLength: 128,
  allowed: "3 to 128 letters, digits, '.', '_' or '-', starting and ending with a letter or digit, no two of '._-' in a row",
};

/** EventBridge PutRule: 1 to 64 characters. */
export const RULE_NAME: NameRule = {
  what: 'EventBridge rule name',
  pattern: /^[A-Za-z0-9._-]+$/,
  maxLength: 64,
  allowed: "1 to 64 letters, digits, '.', '_' or '-'",
};

/**
 * Fails, naming the construct (its path) and the prop, when a resolved `value` breaks `rule`. Unresolved
 * tokens are left to CloudFormation. `undefined` (the prop is not set) passes.
 */
export function validateName(construct: string, prop: string, value: string | undefined, rule: NameRule): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (value.length === 0 || value.length > rule.maxLength || !rule.pattern.test(value)) {
    throw new Error(`${construct}: ${prop}: received ${JSON.stringify(value)} (${value.length} characters); expected ${rule.allowed} (${rule.what})`);
  }
}
