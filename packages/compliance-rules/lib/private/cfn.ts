import { CfnResource, Stack, Token } from 'aws-cdk-lib';

/**
 * The CloudFormation properties of a resource as they will be synthesized: property
 * overrides applied, tokens resolved to intrinsics (`{ Ref }`, `{ 'Fn::GetAtt' }`, ...).
 * Reading the rendered template (rather than the L1 attributes) means raw overrides and
 * escape hatches are checked too.
 */
export function renderedProperties(node: CfnResource): Record<string, any> {
  const stack = Stack.of(node);
  const rendered = stack.resolve((node as any)._toCloudFormation());
  const resource = Object.values(rendered?.Resources ?? {})[0] as { Properties?: Record<string, any> } | undefined;
  return resource?.Properties ?? {};
}

/** The logical id of a resource as it appears in its template. */
export function logicalIdOf(node: CfnResource): string {
  return Stack.of(node).resolve(node.logicalId);
}

/** Other resources of the same stack with the given CloudFormation type. */
export function resourcesOfType(node: CfnResource, type: string): CfnResource[] {
  const stack = Stack.of(node);
  return stack.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c) && c.cfnResourceType === type && Stack.of(c) === stack);
}

/** A value or list of values as a list. */
export function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** A policy statement as rendered in a template. */
export interface Statement {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Principal?: any;
  readonly NotPrincipal?: any;
  readonly Resource?: any;
  readonly Condition?: Record<string, Record<string, any>>;
}

/** The statements of a policy document (a single statement object is allowed by IAM). */
export function statementsOf(document: any): Statement[] {
  return asArray(document?.Statement) as Statement[];
}

/** Whether a statement's actions include `action`, directly or through a wildcard. */
export function statementCoversAction(statement: Statement, action: string): boolean {
  return asArray(statement.Action).some((a) => typeof a === 'string' && wildcardMatch(a.toLowerCase(), action.toLowerCase()));
}

/** IAM-style wildcard match (`*` and `?`), case-sensitive: callers lower-case actions first. */
export function wildcardMatch(pattern: string, value: string): boolean {
  const re = new RegExp(
    '^' +
      pattern
        .split('')
        .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('') +
      '$',
  );
  return re.test(value);
}

/**
 * Condition values of a statement for one operator and key; keys and operators are
 * matched case-insensitively, as IAM does for condition keys.
 */
export function conditionValues(statement: Statement, operator: string, key: string): any[] | undefined {
  for (const [op, entries] of Object.entries(statement.Condition ?? {})) {
    if (op.toLowerCase() !== operator.toLowerCase()) continue;
    for (const [k, v] of Object.entries(entries ?? {})) {
      if (k.toLowerCase() === key.toLowerCase()) return asArray(v);
    }
  }
  return undefined;
}

/**
 * Flattens an intrinsic-bearing value to a readable string: `Fn::Join` is joined,
 * `Ref` becomes `${Name}`, `Fn::GetAtt` becomes `${Name.Attr}`, `Fn::Sub` keeps its
 * template. Used to compare ARNs and names whose parts are only known at deploy time.
 */
export function flatten(value: any): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value && typeof value === 'object') {
    if ('Fn::Join' in value) {
      const [separator, parts] = value['Fn::Join'];
      return asArray(parts).map(flatten).join(separator);
    }
    if ('Ref' in value) return '${' + value.Ref + '}';
    if ('Fn::GetAtt' in value) {
      const att = value['Fn::GetAtt'];
      return '${' + (Array.isArray(att) ? att.join('.') : String(att)) + '}';
    }
    if ('Fn::Sub' in value) return flatten(asArray(value['Fn::Sub'])[0]);
    if ('Fn::ImportValue' in value) return '${Import:' + flatten(value['Fn::ImportValue']) + '}';
  }
  return JSON.stringify(value);
}

/** The AWS principals of a statement (`"*"` for an anonymous principal). */
export function awsPrincipals(statement: Statement): string[] {
  const principal = statement.Principal;
  if (principal === undefined) return [];
  if (principal === '*') return ['*'];
  return asArray(principal.AWS).map(flatten);
}

/**
 * The account a principal belongs to: `${AWS::AccountId}` for the deploying account,
 * a 12-digit id, `*` for everyone, or undefined when it cannot be told.
 */
export function accountOfPrincipal(principal: string): string | undefined {
  if (principal === '*') return '*';
  if (/^\d{12}$/.test(principal)) return principal;
  // The partition and account may be flattened intrinsics such as ${AWS::Partition}, which contain colons.
  const arn = /^arn:(?:\$\{[^}]*\}|[^:]+):(?:iam|sts)::(\$\{[^}]*\}|[^:]+):/.exec(principal);
  if (arn) return arn[1];
  return undefined;
}

/** Whether an account (from accountOfPrincipal) is the account of the stack `node` is in. */
export function isOwnAccount(node: CfnResource, account: string | undefined): boolean {
  if (account === undefined) return false;
  if (account === '${AWS::AccountId}') return true;
  const stackAccount = Stack.of(node).account;
  return !Token.isUnresolved(stackAccount) && account === stackAccount;
}

/** Finds the resource of the same stack that `{ Ref: logicalId }` names. */
export function resourceByLogicalId(node: CfnResource, logicalId: string): CfnResource | undefined {
  const stack = Stack.of(node);
  return stack.node.findAll().find((c): c is CfnResource => CfnResource.isCfnResource(c) && Stack.of(c) === stack && logicalIdOf(c) === logicalId);
}
