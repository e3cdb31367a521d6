import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/**
 * Per-stack bookkeeping so that a role which references the boundary by its fixed name deploys
 * after the boundary when both are in the same stack (a name is not a reference, so
 * CloudFormation would otherwise create them in parallel and the role would fail).
 * Works in both construction orders.
 */
interface StackEntry {
  readonly boundaries: Map<string, iam.ManagedPolicy>;
  readonly waitingRoles: Map<string, IConstruct[]>;
}

const registry = new WeakMap<Stack, StackEntry>();

function entry(stack: Stack): StackEntry {
  let e = registry.get(stack);
  if (!e) {
    e = { boundaries: new Map(), waitingRoles: new Map() };
    registry.set(stack, e);
  }
  return e;
}

/** Called by a boundary: roles already waiting for this name now depend on it. */
export function registerBoundary(boundary: iam.ManagedPolicy, policyName: string): void {
  const e = entry(Stack.of(boundary));
  e.boundaries.set(policyName, boundary);
  for (const role of e.waitingRoles.get(policyName) ?? []) role.node.addDependency(boundary);
  e.waitingRoles.delete(policyName);
}

/** Called by a role that references a boundary by name: depend on it now, or once it is created. */
export function dependOnBoundaryByName(role: IConstruct, policyName: string): void {
  const e = entry(Stack.of(role));
  const boundary = e.boundaries.get(policyName);
  if (boundary) {
    role.node.addDependency(boundary);
  } else {
    e.waitingRoles.set(policyName, [...(e.waitingRoles.get(policyName) ?? []), role]);
  }
}
