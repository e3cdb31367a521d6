import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { evaluate, PolicyJson, resolveIntrinsics } from '@cdk-guardrails/policy-test-kit';

export const ACCOUNT = '111111111111';
export const OTHER_ACCOUNT = '222222222222';
export const REGION = 'eu-west-1';

/** A fresh stack in a fixed account and region (so ARNs are concrete after resolving Partition). */
export function newStack(app: App = new App()): Stack {
  return new Stack(app, 'TestStack', { env: { account: ACCOUNT, region: REGION } });
}

/** Administrator identity policy: the worst case an identity inside the boundary can have. Test-only. */
export const ADMIN_POLICY: PolicyJson = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

/** The SCP AWS attaches by default (FullAWSAccess): SCPs must allow as well as deny. */
export const FULL_AWS_ACCESS: PolicyJson = ADMIN_POLICY;

/** Plain-JSON policy document of the one AWS::IAM::ManagedPolicy whose name matches (or the only one). */
export function managedPolicyDocument(stack: Stack, name?: string, refs: Record<string, string> = {}): PolicyJson {
  const template = Template.fromStack(stack).toJSON();
  const found = Object.values<any>(template.Resources).filter(
    (r) => r.Type === 'AWS::IAM::ManagedPolicy' && (name === undefined || r.Properties.ManagedPolicyName === name),
  );
  if (found.length !== 1) throw new Error(`expected one managed policy named ${name}, found ${found.length}`);
  return resolveIntrinsics(found[0].Properties.PolicyDocument, { account: ACCOUNT, region: REGION, refs });
}

/** The same document without the statement `sid` (throws if it is not there): proves a test depends on it. */
export function withoutStatement(policy: PolicyJson, sid: string): PolicyJson {
  const statements = ([] as any[]).concat(policy.Statement);
  const kept = statements.filter((s) => s.Sid !== sid);
  if (kept.length !== statements.length - 1) throw new Error(`statement ${sid} not found`);
  return { ...policy, Statement: kept };
}

/** A request an attacker or a legitimate principal makes in the semantic tests. */
export interface Attempt {
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | string[]>;
  readonly resourcePolicy?: PolicyJson;
  readonly resourceAccount?: string;
}

/** The layers a request is evaluated under. */
export interface Layers {
  /** The boundary of the principal (none: the principal is outside the boundary). */
  readonly boundary?: PolicyJson;
  /** The SCPs of the principal's account (none: no SCP evaluated). */
  readonly scps?: PolicyJson[];
}

/** `principal`, with an administrator identity policy, makes `attempt` under `layers`. */
export function decide(principal: string, attempt: Attempt, layers: Layers) {
  return evaluate({
    identityPolicies: [ADMIN_POLICY],
    permissionsBoundaries: layers.boundary ? [layers.boundary] : undefined,
    serviceControlPolicies: layers.scps,
    resourcePolicy: attempt.resourcePolicy,
    request: {
      principal,
      action: attempt.action,
      resource: attempt.resource,
      resourceAccount: attempt.resourceAccount ?? ACCOUNT,
      // IAM always puts the caller's ARN and account in the request context; the evaluator needs them given.
      context: { 'aws:PrincipalARN': principal, 'aws:PrincipalAccount': principal.split(':')[4] ?? '', ...attempt.context },
    },
  });
}
