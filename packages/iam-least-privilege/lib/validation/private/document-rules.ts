/**
 * The least-privilege rules as pure functions over one policy document, in the
 * CloudFormation form found in a synthesized template (values may still be
 * intrinsics such as { "Fn::GetAtt": [...] }; the rules only judge what is literal).
 *
 * No aws-cdk-lib import: the validate-policies CLI bundles this file.
 */
import { rcpStatementProblems } from '../../identities/private/rcp-rules';
import { isKnownAction, isKnownConditionKey, isKnownService } from './iam-dataset';
import { escalationAction } from './escalation-actions';
import { isPublicStatement } from './public-access';
import { PolicyRule } from '../policy-rule';

/** What a document is for: decides which rules apply and how Access Analyzer reads it. */
/**
 * What a document is. `resource-self` is a resource policy in which `Resource: "*"` can only mean
 * the resource the policy is attached to (a KMS key policy, a Secrets Manager resource policy):
 * there a partial wildcard action on "*" is not a grant on every resource of the account.
 */
export type DocumentKind = 'identity' | 'trust' | 'resource' | 'resource-self' | 'scp' | 'rcp';

export interface RuleFinding {
  readonly rule: PolicyRule;
  readonly message: string;
  /** Path inside the resource, for example `Properties.PolicyDocument.Statement[2]`. */
  readonly location: string;
}

export const RULE_DESCRIPTIONS: Record<PolicyRule, { readonly description: string; readonly fix: string }> = {
  [PolicyRule.ALLOW_STAR_ACTION]: {
    description: 'Allow statement with Action "*" grants every action of every service',
    fix: 'List the actions the workload calls (PolicyStatementBuilder.allow)',
  },
  [PolicyRule.ALLOW_NOT_ACTION]: {
    description: 'Allow statement with NotAction grants every action except the listed ones, including actions AWS adds later',
    fix: 'Use Action with the actions to grant; keep NotAction for Deny statements',
  },
  [PolicyRule.WILDCARD_ACTION_ON_ALL_RESOURCES]: {
    description: 'Allow statement with a wildcard action on Resource "*"',
    fix: 'List the actions one by one, or scope Resource to ARNs',
  },
  [PolicyRule.ESCALATION_ACTION_ON_ALL_RESOURCES]: {
    description: 'Identity policy Allow statement with a privilege-escalation action (iam:PassRole, iam:CreatePolicyVersion, ...) on Resource "*"',
    fix: 'Scope Resource to the ARNs of the roles, policies, users or functions the workload needs',
  },
  [PolicyRule.ALLOW_NOT_RESOURCE]: {
    description: 'Allow statement with NotResource grants the actions on every resource except the listed ones',
    fix: 'Use Resource with the ARNs to grant',
  },
  [PolicyRule.PUBLIC_PRINCIPAL]: {
    description:
      'Resource or trust policy allows every AWS principal (Principal "*" or an ARN with a wildcard account) without a condition that pins who the caller is',
    fix: 'Name the principals, or add a StringEquals condition with a fixed value on aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn, aws:SourceAccount or aws:SourceArn',
  },
  [PolicyRule.UNKNOWN_SERVICE]: {
    description: 'Action names a service prefix that the IAM dataset does not know',
    fix: 'Check the service prefix in the AWS Service Authorization Reference',
  },
  [PolicyRule.UNKNOWN_ACTION]: {
    description: 'Action matches no action of its service in the IAM dataset',
    fix: 'Check the action name in the AWS Service Authorization Reference',
  },
  [PolicyRule.UNKNOWN_CONDITION_KEY]: {
    description: 'Condition key is unknown to the IAM dataset (a typo makes a condition silently never match)',
    fix: 'Check the key in the AWS global condition keys and the service reference',
  },
  [PolicyRule.POLICY_TOO_LARGE]: {
    description: 'Policy size over its AWS limit (deployment would fail)',
    fix: 'Split the policy into managed policies, or use fewer, broader-but-scoped statements',
  },
  [PolicyRule.MALFORMED_POLICY]: {
    description: 'Policy document is not valid IAM policy grammar',
    fix: 'Every statement needs Effect Allow or Deny, Action or NotAction, and service:action names',
  },
  [PolicyRule.NEW_ACCESS]: {
    description: 'IAM Access Analyzer CheckNoNewAccess: the policy grants access its deployed version does not (validate-policies with credentials)',
    fix: 'Narrow the change, or acknowledge the widening with PolicyValidator.suppress(scope, PolicyRule.NEW_ACCESS, reason)',
  },
  [PolicyRule.FORBIDDEN_ACCESS]: {
    description:
      'IAM Access Analyzer CheckAccessNotGranted: an identity policy grants an action of policyValidation.accessNotGranted (validate-policies with credentials)',
    fix: 'Remove the action, or acknowledge it with PolicyValidator.suppress(scope, PolicyRule.FORBIDDEN_ACCESS, reason)',
  },
  [PolicyRule.SUPPRESSION_WITHOUT_REASON]: {
    description: 'Suppression without a reason',
    fix: 'Give every suppression a reason (PolicyValidator.suppress(scope, rule, reason, { owner, expires }))',
  },
  [PolicyRule.SUPPRESSION_EXPIRED]: {
    description: 'Suppression without an owner or an expiry date, or past its expiry',
    fix: "Fix the finding, or renew the suppression after its owner's review (PolicyValidator.suppress(scope, rule, reason, { owner, expires: 'YYYY-MM-DD' }))",
  },
};

const ACTION = /^([A-Za-z0-9-]+):([A-Za-z0-9*?-]+)$/;

/** Compact JSON of a statement for messages, cut at 400 characters. */
export function describeStatement(statement: unknown): string {
  const json = JSON.stringify(statement);
  return json.length > 400 ? `${json.slice(0, 400)}...` : json;
}

function asList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function isIntrinsic(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).some((k) => k === 'Ref' || k.startsWith('Fn::'));
}

/** What the template says about a document beyond its kind. */
export interface DocumentOptions {
  /**
   * The document is a managed policy used only as a permissions boundary: it caps, it grants
   * nothing, so a privilege-escalation action on "*" in it is not a grant.
   */
  readonly permissionsBoundary?: boolean;
}

/**
 * Check one policy document. `basePath` is where the document sits in its resource
 * (for example `Properties.PolicyDocument`); locations in the findings extend it.
 */
export function checkPolicyDocument(document: unknown, kind: DocumentKind, basePath: string, options: DocumentOptions = {}): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const malformed = (location: string, message: string) => findings.push({ rule: PolicyRule.MALFORMED_POLICY, location, message });
  if (isIntrinsic(document)) return findings; // e.g. Fn::If over two documents: nothing literal to judge
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    malformed(basePath, `policy document is not a JSON object: ${describeStatement(document)}`);
    return findings;
  }
  const statementValue = (document as any).Statement;
  if (isIntrinsic(statementValue)) return findings;
  const statements = asList(statementValue);
  if (statements.length === 0) {
    malformed(basePath, 'policy document has no Statement');
    return findings;
  }
  statements.forEach((statement, index) => {
    const location = `${basePath}.Statement[${index}]`;
    if (isIntrinsic(statement)) return;
    if (statement === null || typeof statement !== 'object' || Array.isArray(statement)) {
      malformed(location, `statement is not a JSON object: ${describeStatement(statement)}`);
      return;
    }
    findings.push(...checkStatement(statement as Record<string, unknown>, kind, location, options));
  });
  return findings;
}

function checkStatement(statement: Record<string, unknown>, kind: DocumentKind, location: string, options: DocumentOptions): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const shown = describeStatement(statement);
  const add = (rule: PolicyRule, message: string) => findings.push({ rule, location, message: `${message} in statement ${shown}` });
  const effect = statement.Effect;
  if (effect !== 'Allow' && effect !== 'Deny') {
    add(PolicyRule.MALFORMED_POLICY, `Effect must be "Allow" or "Deny", got ${JSON.stringify(effect)}`);
    return findings;
  }
  if (kind === 'rcp') {
    // AWS Organizations refuses an RCP that breaks these rules (the same ones new ResourceControlPolicy enforces).
    for (const p of rcpStatementProblems(statement)) add(PolicyRule.MALFORMED_POLICY, `an RCP statement needs ${p.expected}; it has ${p.received}`);
  }
  const isAllow = effect === 'Allow';
  const hasAction = statement.Action !== undefined;
  const hasNotAction = statement.NotAction !== undefined;
  if (hasAction === hasNotAction) {
    add(PolicyRule.MALFORMED_POLICY, 'a statement needs exactly one of Action and NotAction');
    return findings;
  }
  const actions = asList(hasAction ? statement.Action : statement.NotAction).filter((a): a is string => typeof a === 'string');

  if (isAllow && hasNotAction) add(PolicyRule.ALLOW_NOT_ACTION, 'Allow with NotAction');
  if (isAllow && statement.NotResource !== undefined) add(PolicyRule.ALLOW_NOT_RESOURCE, 'Allow with NotResource');
  if (isAllow && hasAction && actions.some((a) => a === '*' || a.startsWith('*:'))) {
    add(PolicyRule.ALLOW_STAR_ACTION, 'Allow with Action "*"');
  }
  const resources = asList(statement.Resource);
  if (isAllow && hasAction && kind !== 'trust' && resources.includes('*')) {
    // In a key or secret policy "*" is the resource itself: a partial wildcard such as
    // kms:GenerateDataKey* (what aws-cdk-lib writes for service grants) is scoped to it, but a
    // service-wide kms:* still grants every action, including ones AWS adds later.
    const wildcard = actions
      .filter((a) => a !== '*' && !a.startsWith('*:') && /[*?]/.test(a))
      .filter((a) => kind !== 'resource-self' || /^[a-z0-9-]+:\*$/.test(a));
    if (wildcard.length > 0) {
      add(PolicyRule.WILDCARD_ACTION_ON_ALL_RESOURCES, `Allow with the wildcard action(s) ${wildcard.join(', ')} on Resource "*"`);
    }
  }
  if (isAllow && hasAction && kind === 'identity' && !options.permissionsBoundary && resources.includes('*')) {
    // Identity policies only: in a key or secret policy "*" is the resource itself, an SCP Allow
    // or a permissions boundary grants nothing, and a trust policy has no Resource.
    const escalation = [...new Set(actions.map(escalationAction).filter((a): a is string => a !== undefined))];
    if (escalation.length > 0) {
      add(
        PolicyRule.ESCALATION_ACTION_ON_ALL_RESOURCES,
        `Allow with the privilege-escalation action(s) ${escalation.join(', ')} on Resource "*" (every role, policy, user or function of the account); ` +
          'expected the ARNs of the resources the workload needs',
      );
    }
  }
  // Deny statements with Principal "*" are how resource policies and RCPs guard: never public.
  if (isAllow && (kind === 'resource' || kind === 'resource-self' || kind === 'trust') && isPublicStatement(statement)) {
    add(
      PolicyRule.PUBLIC_PRINCIPAL,
      'Allow to every AWS principal (Principal "*", or an ARN with a wildcard account) without a condition that pins who the caller is ' +
        '(aws:PrincipalAccount, aws:PrincipalOrgID, aws:PrincipalArn, aws:SourceAccount, aws:SourceArn, aws:SourceVpce... with a fixed value)',
    );
  }

  for (const action of actions) {
    if (action === '*' || action.startsWith('*:')) continue;
    const m = ACTION.exec(action);
    if (!m) {
      add(PolicyRule.MALFORMED_POLICY, `action '${action}' is not '<service>:<action>'`);
      continue;
    }
    if (!isKnownService(m[1])) add(PolicyRule.UNKNOWN_SERVICE, `action '${action}' names the unknown service '${m[1]}'`);
    else if (!isKnownAction(m[1], m[2])) add(PolicyRule.UNKNOWN_ACTION, `action '${action}' matches no action of '${m[1]}'`);
  }

  const condition = statement.Condition;
  if (condition !== undefined && !isIntrinsic(condition)) {
    if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) {
      add(PolicyRule.MALFORMED_POLICY, 'Condition is not a JSON object');
    } else {
      for (const [operator, block] of Object.entries(condition as Record<string, unknown>)) {
        if (block === null || typeof block !== 'object' || Array.isArray(block) || isIntrinsic(block)) continue;
        for (const key of Object.keys(block)) {
          if (!isKnownConditionKey(key)) {
            add(PolicyRule.UNKNOWN_CONDITION_KEY, `condition key '${key}' (${operator}) is unknown`);
          }
        }
      }
    }
  }
  return findings;
}
