/**
 * Evaluate a request that travels through a VPC endpoint: the endpoint policy is one more
 * policy that must allow it (like a boundary), next to the caller's identity policies and the
 * resource policy.
 */
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { Decision, PolicyJson, RequestSpec } from './index';

export interface EvaluateThroughEndpointOptions {
  readonly request: RequestSpec;
  /** The endpoint policies the request passes through (usually one). */
  readonly endpointPolicies: PolicyJson[];
  readonly identityPolicies?: PolicyJson[];
  readonly resourcePolicy?: PolicyJson;
}

/** Like `evaluate`, with VPC endpoint policies. Throws if the evaluator rejects the input. */
export async function evaluateThroughEndpoint(opts: EvaluateThroughEndpointOptions): Promise<Decision> {
  const simulation: Simulation = {
    identityPolicies: (opts.identityPolicies ?? []).map((policy, i) => ({ name: `identity-${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: opts.resourcePolicy,
    vpcEndpointPolicies: opts.endpointPolicies.map((policy, i) => ({ name: `endpoint-${i}`, policy })),
    request: {
      action: opts.request.action,
      principal: opts.request.principal,
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
