import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { propError } from '../../private/errors';

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

/** Per app: the boundary of each account and policy name (a managed policy name is unique in its account). */
const perApp = new WeakMap<object, Map<string, string>>();

/**
 * Fails when the app already has a boundary of this name in this account: two would collide at
 * deploy (the second CloudFormation stack cannot create a policy of an existing name). Skipped for
 * stacks without a resolved account (a StackSet template's account is AWS::AccountId).
 */
export function claimBoundaryName(boundary: IConstruct, policyName: string): void {
  const account = Stack.of(boundary).account;
  if (Token.isUnresolved(account) || Token.isUnresolved(policyName)) return;
  const root = boundary.node.root;
  let names = perApp.get(root);
  if (names === undefined) {
    names = new Map();
    perApp.set(root, names);
  }
  const key = `${account}/${policyName}`;
  const existing = names.get(key);
  if (existing !== undefined) {
    throw propError(
      boundary,
      'managedPolicyName',
      `'${policyName}' in account ${account}, which already has that boundary (${existing})`,
      'one PermissionsBoundary per account and name (a managed policy name is unique in an account: the second stack would fail to deploy)',
      'Reference the existing one with PermissionsBoundary.fromDefaultName in the other stacks of the account, or give this one another managedPolicyName',
    );
  }
  names.set(key, boundary.node.path);
}

/**
 * Whether the app holds a boundary of this name in this account (claimed by a PermissionsBoundary).
 * Undefined when the account is not known at synth (an environment-agnostic stack, a StackSet template).
 */
export function appHasBoundary(scope: IConstruct, policyName: string): boolean | undefined {
  const account = Stack.of(scope).account;
  if (Token.isUnresolved(account) || Token.isUnresolved(policyName)) return undefined;
  return perApp.get(scope.node.root)?.has(`${account}/${policyName}`) ?? false;
}
