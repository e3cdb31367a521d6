import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { resolveIntrinsics, singleResource, PolicyJson } from '@cdk-guardrails/policy-test-kit';

export const ACCOUNT = '111111111111';
export const OTHER_ACCOUNT = '222222222222';
export const REGION = 'eu-west-1';
export const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
export const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${KEY_ID}`;

/** A fresh stack in a concrete environment. */
export function newStack(id = 'TestStack'): Stack {
  return new Stack(new App(), id, { env: { account: ACCOUNT, region: REGION } });
}

/** The created key whose description starts with `Data`, `Secrets` or `Logs`. */
export function keyResource(stack: Stack, purposeWord: 'Data' | 'Secrets' | 'Logs'): [string, any] {
  return singleResource(Template.fromStack(stack).toJSON(), 'AWS::KMS::Key', (r) => String(r.Properties.Description).startsWith(`${purposeWord} key`));
}

/** The key policy of a created key as plain JSON, with intrinsics resolved. */
export function resolvedKeyPolicy(stack: Stack, purposeWord: 'Data' | 'Secrets' | 'Logs', getAtts: Record<string, string> = {}): PolicyJson {
  const [, key] = keyResource(stack, purposeWord);
  return resolveIntrinsics(key.Properties.KeyPolicy, { account: ACCOUNT, region: REGION, getAtts });
}

/** The statement of a policy with the given Sid (undefined if absent). */
export function statementBySid(policy: PolicyJson, sid: string): any {
  const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  return statements.find((s: any) => s.Sid === sid);
}

/** An identity policy allowing the given actions on everything (what a broad role would carry). */
export function allowAll(...actions: string[]): PolicyJson {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] };
}

/**
 * The evaluator (iam-simulate) only recognises variable condition keys written with '/' (such as
 * aws:PrincipalTag/x); it silently ignores `kms:EncryptionContext:<key>` in a request. Its own
 * catalogue names that key `kms:EncryptionContext:${EncryptionContextKey}`, which it does
 * evaluate. Renaming the one encryption-context key consistently in the policy and in the request
 * keeps the evaluation equivalent (a request carries one encryption-context key here).
 */
const EC_PLACEHOLDER = 'kms:EncryptionContext:${EncryptionContextKey}';

export function renameEncryptionContextKey(policy: PolicyJson, key: string): PolicyJson {
  return JSON.parse(JSON.stringify(policy).split(`"${key}"`).join(JSON.stringify(EC_PLACEHOLDER)));
}

/** A request context carrying one encryption-context value, under the evaluator's key name (see above). */
export function encryptionContext(value: string): Record<string, string> {
  return { [EC_PLACEHOLDER]: value };
}

/**
 * The global condition keys IAM sets on every signed request, which the evaluator does not derive
 * from the principal: aws:PrincipalArn (the role ARN for an assumed-role session, not the session
 * ARN), aws:PrincipalAccount and aws:PrincipalIsAWSService.
 */
export function principalContext(principal: string): Record<string, string> {
  const session = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(principal);
  const principalArn = session ? `arn:${session[1]}:iam::${session[2]}:role/${session[3]}` : principal;
  return {
    'aws:PrincipalArn': principalArn,
    'aws:PrincipalAccount': principal.split(':')[4],
    'aws:PrincipalIsAWSService': 'false',
  };
}
