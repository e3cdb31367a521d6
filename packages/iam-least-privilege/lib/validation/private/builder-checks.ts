/** The checks and condition merging of PolicyStatementBuilder. */
import { Token } from 'aws-cdk-lib';
import { isKnownAction, isKnownService } from './iam-dataset';
import { propError } from '../../private/errors';

/** Condition blocks of a statement: operator -> key -> value(s). */
export type Conditions = Record<string, Record<string, string | string[]>>;

const ORG_ID = /^o-[a-z0-9]{10,32}$/;

/**
 * The errors below lead with the class and method the caller used (`where`, for example
 * `PolicyStatementBuilder.allow`): the builder is not a construct, so there is no construct path.
 */
export function validateActions(where: string, actions: string[], isAllow: boolean): string[] {
  if (actions.length === 0) {
    throw propError(where, 'actions', 'an empty list', "at least one IAM action, for example ['s3:GetObject']");
  }
  for (const action of actions) {
    if (Token.isUnresolved(action)) continue;
    if (action === '*') {
      if (isAllow) {
        throw propError(where, 'actions', "'*', which grants every action of every service", 'the actions the workload calls, listed one by one');
      }
      continue;
    }
    const m = /^([a-z0-9-]+):([A-Za-z0-9*?-]+)$/.exec(action);
    if (!m) {
      throw propError(where, 'actions', `'${action}', which is malformed`, "'<service>:<Action>' such as 's3:GetObject'");
    }
    if (!isKnownService(m[1])) {
      throw propError(where, 'actions', `'${action}', whose service '${m[1]}' the IAM dataset does not know`, 'an action of a service in the IAM dataset');
    }
    if (!isKnownAction(m[1], m[2])) {
      throw propError(where, 'actions', `'${action}', which matches no action of the service '${m[1]}'`, 'an action the IAM dataset lists for that service');
    }
  }
  return [...actions];
}

export function validateResources(where: string, resources: string[]): string[] {
  if (resources.length === 0) {
    throw propError(where, 'resources', 'an empty list', "resource ARNs, or ['*'] for actions without resource-level permissions");
  }
  for (const r of resources) {
    if (Token.isUnresolved(r)) continue;
    if (r !== '*' && !r.startsWith('arn:')) {
      throw propError(where, 'resources', `'${r}', which is not an ARN`, "'arn:...' or '*'");
    }
  }
  return [...resources];
}

export function validateOrgId(method: string, orgId: string): void {
  if (!Token.isUnresolved(orgId) && !ORG_ID.test(orgId)) {
    throw propError(`PolicyStatementBuilder.${method}`, 'orgId', `'${orgId}'`, `an organization id matching ${ORG_ID.source} (for example o-a1b2c3d4e5)`);
  }
}

export function validateTag(method: string, key: string, value: string): void {
  if (!Token.isUnresolved(key) && (key.length < 1 || key.length > 128 || key.includes('/') || key.startsWith('aws:'))) {
    throw propError(`PolicyStatementBuilder.${method}`, 'key', `'${key}'`, "a tag key of 1 to 128 characters, without '/' and not starting with 'aws:'");
  }
  if (!Token.isUnresolved(value) && value.length > 256) {
    throw propError(`PolicyStatementBuilder.${method}`, 'value', `a tag value of ${value.length} characters`, 'at most 256 characters');
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

export function mergeConditions(where: string, into: Conditions, from: Conditions): void {
  for (const [op, keys] of Object.entries(from)) {
    into[op] ??= {};
    for (const [key, value] of Object.entries(keys)) {
      if (into[op][key] !== undefined) {
        throw propError(where, 'conditions', `the condition ${op} '${key}' a second time`, 'each condition once; combine the values in one call');
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
