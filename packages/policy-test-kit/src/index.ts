/**
 * Test-only helpers to evaluate synthesized policies against requests.
 *
 * Wraps @cloud-copilot/iam-simulate (AGPL-3.0): this package is private and only
 * ever a devDependency, so the evaluator never ships with a published package.
 */
import { runSimulation, anonymousPrincipal, type Simulation } from '@cloud-copilot/iam-simulate';

export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

/** An IAM policy document as plain JSON (intrinsics already resolved). */
export interface PolicyJson {
  Version?: string;
  Statement: any; // one statement or an array of them
}

/**
 * `Allow *` on `*`: the identity policy of an attacker with administrator rights (so that only the
 * guardrails under test, the boundary, SCPs and resource policies, may refuse a request), and AWS's
 * FullAWSAccess as the base SCP. Test-only: nothing that ships grants this.
 */
export const ALLOW_EVERYTHING: PolicyJson = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

export interface RequestSpec {
  /** e.g. 's3:PutObject' */
  readonly action: string;
  /** principal ARN, or 'anonymous' for an unsigned request */
  readonly principal: string;
  /** resource ARN the request targets */
  readonly resource: string;
  /** account that owns the resource (required by the evaluator for cross-account logic) */
  readonly resourceAccount: string;
  /** request context, e.g. { 'aws:SecureTransport': 'true' } */
  readonly context?: Record<string, string | string[]>;
}

export interface EvaluateOptions {
  readonly request: RequestSpec;
  readonly identityPolicies?: PolicyJson[];
  readonly resourcePolicy?: PolicyJson;
  readonly permissionsBoundaries?: PolicyJson[];
  readonly serviceControlPolicies?: PolicyJson[];
  /**
   * Resource control policies of the resource's account: any deny wins. The evaluator takes AWS's
   * RCPFullAWSAccess as attached (pass only Deny statements: it rejects an RCP with an Allow, as
   * AWS Organizations refuses any Allow but RCPFullAWSAccess's).
   */
  readonly resourceControlPolicies?: PolicyJson[];
}

/**
 * Evaluate one request against the given policies, the way IAM does
 * (explicit deny > allow > implicit deny, boundaries, SCPs, cross-account rules).
 * Throws if the evaluator rejects the input (for example a malformed policy), so a
 * broken policy can never pass a test as "denied".
 */
export async function evaluate(opts: EvaluateOptions): Promise<Decision> {
  const simulation: Simulation = {
    identityPolicies: (opts.identityPolicies ?? []).map((policy, i) => ({ name: `identity-${i}`, policy })),
    serviceControlPolicies: opts.serviceControlPolicies
      ? [{ orgIdentifier: 'o-testorg', policies: opts.serviceControlPolicies.map((policy, i) => ({ name: `scp-${i}`, policy })) }]
      : [],
    resourceControlPolicies: opts.resourceControlPolicies
      ? [{ orgIdentifier: 'o-testorg', policies: opts.resourceControlPolicies.map((policy, i) => ({ name: `rcp-${i}`, policy })) }]
      : [],
    resourcePolicy: opts.resourcePolicy,
    permissionBoundaryPolicies: opts.permissionsBoundaries?.map((policy, i) => ({ name: `boundary-${i}`, policy })),
    request: {
      action: opts.request.action,
      principal: opts.request.principal === 'anonymous' ? anonymousPrincipal : opts.request.principal,
      resource: { resource: opts.request.resource, accountId: opts.request.resourceAccount },
      contextVariables: { ...(opts.request.context ?? {}) },
    },
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') {
    throw new Error(`policy evaluator rejected the simulation: ${result.errors.message}\n${JSON.stringify(result.errors, null, 2)}`);
  }
  return result.overallResult;
}

/** Values to substitute for CloudFormation intrinsics when resolving a synthesized policy. */
export interface ResolveContext {
  readonly account: string;
  readonly region: string;
  readonly partition?: string;
  /** logical id -> value of { Ref: logicalId } */
  readonly refs?: Record<string, string>;
  /** 'LogicalId.Attribute' -> value of { 'Fn::GetAtt': [LogicalId, Attribute] } */
  readonly getAtts?: Record<string, string>;
}

/**
 * Replace CloudFormation intrinsics (Ref, Fn::GetAtt, Fn::Join, Fn::Select, Fn::Split,
 * Fn::Sub without a variable map) with concrete strings. A Ref or GetAtt that the
 * context does not name throws, so a test never evaluates a half-resolved policy.
 *
 * This resolves a policy to the values one test deploys it with, for evaluation; it is not a
 * size estimate. Policy sizes are measured with `PolicySize` of @cdk-guardrails/facts (an upper
 * bound over every value an intrinsic can take), never with this resolution.
 */
export function resolveIntrinsics(value: any, ctx: ResolveContext): any {
  const pseudo: Record<string, string> = {
    'AWS::AccountId': ctx.account,
    'AWS::Region': ctx.region,
    'AWS::Partition': ctx.partition ?? 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': 'TestStack',
  };
  const ref = (name: string): string => {
    const v = pseudo[name] ?? ctx.refs?.[name];
    if (v === undefined) throw new Error(`resolveIntrinsics: no value for { Ref: ${name} }; pass it in ctx.refs`);
    return v;
  };
  const visit = (v: any): any => {
    if (Array.isArray(v)) return v.map(visit);
    if (v === null || typeof v !== 'object') return v;
    const keys = Object.keys(v);
    if (keys.length === 1) {
      const [k] = keys;
      const arg = v[k];
      switch (k) {
        case 'Ref':
          return ref(arg);
        case 'Fn::GetAtt': {
          const [logicalId, attr] = Array.isArray(arg) ? arg : String(arg).split('.');
          const key = `${logicalId}.${attr}`;
          const got = ctx.getAtts?.[key];
          if (got === undefined) throw new Error(`resolveIntrinsics: no value for { Fn::GetAtt: ${key} }; pass it in ctx.getAtts`);
          return got;
        }
        case 'Fn::Join':
          return (visit(arg[1]) as any[]).join(arg[0]);
        case 'Fn::Select':
          return (visit(arg[1]) as any[])[Number(visit(arg[0]))];
        case 'Fn::Split':
          return String(visit(arg[1])).split(arg[0]);
        case 'Fn::Sub': {
          if (typeof arg !== 'string') throw new Error('resolveIntrinsics: Fn::Sub with a variable map is not supported');
          return arg.replace(/\$\{([^}]+)\}/g, (_m, name: string) => {
            if (name.includes('.')) return visit({ 'Fn::GetAtt': name.split('.') });
            return ref(name);
          });
        }
        default:
          break;
      }
    }
    const out: Record<string, any> = {};
    for (const key of keys) out[key] = visit(v[key]);
    return out;
  };
  return visit(value);
}

/**
 * The one resource of `type` in a synthesized template (throws if there is not exactly one
 * that matches `filter`). Returns [logicalId, resource].
 */
export function singleResource(template: { Resources?: Record<string, any> }, type: string, filter: (resource: any) => boolean = () => true): [string, any] {
  const found = Object.entries(template.Resources ?? {}).filter(([, r]) => r.Type === type && filter(r));
  if (found.length !== 1) {
    throw new Error(`expected exactly one ${type}, found ${found.length}: ${found.map(([id]) => id).join(', ')}`);
  }
  return found[0];
}
export * from './endpoint-policy';
export * from './quietly';
