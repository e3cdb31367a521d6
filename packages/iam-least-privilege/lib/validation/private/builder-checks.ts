/** The checks and condition merging of PolicyStatementBuilder. */
import { Token } from 'aws-cdk-lib';
import { isKnownAction, isKnownService } from './iam-dataset';

/** Condition blocks of a statement: operator -> key -> value(s). */
export type Conditions = Record<string, Record<string, string | string[]>>;

const ORG_ID = /^o-[a-z0-9]{10,32}$/;

export function validateActions(actions: string[], isAllow: boolean): string[] {
  if (actions.length === 0) {
    throw new Error("PolicyStatementBuilder: actions is empty; list the IAM actions, for example ['s3:GetObject']");
  }
  for (const action of actions) {
    if (Token.isUnresolved(action)) continue;
    if (action === '*') {
      if (isAllow) {
        throw new Error("PolicyStatementBuilder.allow: action '*' grants every action of every service; list the actions the workload calls");
      }
      continue;
    }
    const m = /^([a-z0-9-]+):([A-Za-z0-9*?-]+)$/.exec(action);
    if (!m) {
      throw new Error(`PolicyStatementBuilder: action '${action}' is malformed; expected '<service>:<Action>' such as 's3:GetObject'`);
    }
    if (!isKnownService(m[1])) {
      throw new Error(`PolicyStatementBuilder: action '${action}' names the service '${m[1]}', which the IAM dataset does not know`);
    }
    if (!isKnownAction(m[1], m[2])) {
      throw new Error(`PolicyStatementBuilder: action '${action}' matches no action of the service '${m[1]}' in the IAM dataset`);
    }
  }
  return [...actions];
}

export function validateResources(resources: string[]): string[] {
  if (resources.length === 0) {
    throw new Error("PolicyStatementBuilder: resources is empty; pass resource ARNs, or ['*'] for actions without resource-level permissions");
  }
  for (const r of resources) {
    if (Token.isUnresolved(r)) continue;
    if (r !== '*' && !r.startsWith('arn:')) {
      throw new Error(`PolicyStatementBuilder: resource '${r}' is not an ARN; expected 'arn:...' or '*'`);
    }
  }
  return [...resources];
}

export function validateOrgId(method: string, orgId: string): void {
  if (!Token.isUnresolved(orgId) && !ORG_ID.test(orgId)) {
    throw new Error(`PolicyStatementBuilder.${method}: orgId must match ${ORG_ID.source} (for example o-a1b2c3d4e5), got '${orgId}'`);
  }
}

export function validateTag(method: string, key: string, value: string): void {
  if (!Token.isUnresolved(key) && (key.length < 1 || key.length > 128 || key.includes('/') || key.startsWith('aws:'))) {
    throw new Error(`PolicyStatementBuilder.${method}: tag key must be 1 to 128 characters, without '/' and not starting with 'aws:', got '${key}'`);
  }
  if (!Token.isUnresolved(value) && value.length > 256) {
    throw new Error(`PolicyStatementBuilder.${method}: tag value must be at most 256 characters, got ${value.length}`);
  }
}

export function isCidr(cidr: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (v4) {
    return v4.slice(1, 5).every((o) => Number(o) <= 255) && Number(v4[5]) <= 32;
  }
  const v6 = /^([0-9a-fA-F:]+)\/(\d{1,3})$/.exec(cidr);
  return !!v6 && v6[1].includes(':') && (v6[1].match(/::/g) ?? []).length <= 1 && Number(v6[2]) <= 128;
}

export function mergeConditions(into: Conditions, from: Conditions): void {
  for (const [op, keys] of Object.entries(from)) {
    into[op] ??= {};
    for (const [key, value] of Object.entries(keys)) {
      if (into[op][key] !== undefined) {
        throw new Error(`PolicyStatementBuilder: the condition ${op} '${key}' is set twice; combine the values in one call`);
      }
      into[op][key] = value;
    }
  }
}

/** Single-element value lists become plain strings (the way AWS documents them). */
export function simplify(conditions: Conditions): Conditions {
  const out: Conditions = {};
  for (const [op, keys] of Object.entries(conditions)) {
    out[op] = {};
    for (const [key, value] of Object.entries(keys)) {
      out[op][key] = Array.isArray(value) && value.length === 1 ? value[0] : value;
    }
  }
  return out;
}
