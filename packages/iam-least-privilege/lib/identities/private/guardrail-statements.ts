/**
 * Deny statements shared by the permissions boundary and the SCP documents, so both layers deny
 * exactly the same thing. Every resource pattern is a plain string (no CDK token: an SCP lives
 * outside CloudFormation) with '*' for partition, region and account; a pattern in a Deny can only
 * deny more.
 *
 * Exemptions rest on principal ARNs (`ArnNotEquals aws:PrincipalARN`), never on a tag. `ArnEquals`
 * and `ArnLike` behave identically in IAM (both honour '*' and '?'): the callers validate the ARNs
 * (exact in the boundary, exact or protected role patterns in the SCPs: see exemption-protection.ts).
 */
import { CdkBootstrap } from '@cdk-guardrails/facts';
import * as iam from 'aws-cdk-lib/aws-iam';
import { GUARDRAIL_RESOURCE_DATA_ACTIONS, GUARDRAIL_STACK_READ_ACTIONS, SESSION_TAGGING_ACTIONS } from './perms';

/** Tag key that marks a guardrail role as a resource (never an exemption for a principal). */
export const PROTECTED_TAG_KEY = 'guardrails:protected';

/** Name prefix of the guardrail resources (log groups `/guardrails/...`, the rest `guardrails-...`). */
export const DEFAULT_RESOURCE_NAME_PREFIX = 'guardrails';

/** The CDK bootstrap qualifier when none is configured (`DefaultStackSynthesizer.DEFAULT_QUALIFIER`). */
export const DEFAULT_CDK_BOOTSTRAP_QUALIFIER = CdkBootstrap.DEFAULT_QUALIFIER;

/** Every CDK bootstrap role of the qualifier, in any account (deploy, cfn-exec, lookup, publishing roles). */
export function cdkBootstrapRolePattern(qualifier: string): string {
  return `arn:*:iam::*:role/cdk-${qualifier}-*`;
}

/**
 * `ArnNotEquals aws:PrincipalARN`: the Deny applies to every principal but these (exact ARNs, or in
 * SCPs role patterns that exemption-protection.ts checks are protected). No
 * entry: no condition (nobody is exempt). Duplicates are dropped (a smaller document).
 */
export function exceptPrincipals(arns: readonly string[]): Record<string, Record<string, string[]>> {
  const unique = [...new Set(arns)];
  return unique.length > 0 ? { ArnNotEquals: { 'aws:PrincipalARN': unique } } : {};
}

/**
 * The ARN patterns of the CloudFormation stacks that deploy the guardrails: every stack named
 * `<prefix>-*` and `stackNames` (exact names or patterns with '*'). A stack ARN is
 * `stack/<name>/<id>`: an exact name matches `stack/<name>/*`, a pattern ending in '*' needs no
 * suffix.
 */
export function guardrailStackPatterns(prefix: string, stackNames: readonly string[] = []): string[] {
  return [...new Set([`${prefix}-*`, ...stackNames])].map((n) => `arn:*:cloudformation:*:*:stack/${n.endsWith('*') ? n : `${n}/*`}`);
}

/**
 * The ARN patterns of the StackSets that deploy the guardrails: every StackSet named `<prefix>-*`
 * and `stackSetNames`. A StackSet ARN is `stackset/<name>:<id>`. A separate pattern from the stacks'
 * (`stack*` is no valid pattern: IAM accepts no wildcard in an ARN's resource type). The boundary
 * does not carry them (no room): the SCP protects the StackSets.
 */
export function guardrailStackSetPatterns(prefix: string, stackSetNames: readonly string[] = []): string[] {
  return [...new Set([`${prefix}-*`, ...stackSetNames])].map((n) => `arn:*:cloudformation:*:*:stackset/${n.endsWith('*') ? n : `${n}:*`}`);
}

/**
 * The CDK bootstrap's assets of the qualifier, as `cdk bootstrap` names them: the staging bucket and
 * its objects (asset zips and the templates CloudFormation reads from it), the version parameter
 * and the container asset repository. Whoever may overwrite an object there chooses the code or the
 * template the next deployment runs with the execution role (cdk-assets skips an upload whose key
 * already exists, so a planted object survives the deploy).
 */
export function cdkBootstrapAssetPatterns(qualifier: string): string[] {
  return [
    `arn:*:s3:::cdk-${qualifier}-assets-*`,
    `arn:*:ssm:*:*:parameter/cdk-bootstrap/${qualifier}/*`,
    `arn:*:ecr:*:*:repository/cdk-${qualifier}-container-assets-*`,
  ];
}

/**
 * The roles cdk-assets uploads with (`cdk-<qualifier>-{file,image}-publishing-role-*`). A name
 * pattern, and still safe as an exemption: nobody but the managers may create, change, pass or
 * assume a `cdk-<qualifier>-*` role (the boundary's and protect-guardrail-principals' CDK role
 * statements), and only the pipelines may assume them. Their policies grant the assets only.
 */
export function cdkPublishingRolePatterns(qualifier: string): string[] {
  return ['file', 'image'].map((kind) => `arn:*:iam::*:role/cdk-${qualifier}-${kind}-publishing-role-*`);
}

/**
 * The CDK execution roles (`cdk-<qualifier>-cfn-exec-role-*`): CloudFormation creates and updates a
 * guardrail stack's nested stacks (the hosted rotation's transform creates one) with the root
 * stack's service role, so the stack statement must let them through. A name pattern, safe for the
 * same reason as the publishing roles: nobody but the managers may create or change a
 * `cdk-<qualifier>-*` role, and only CloudFormation can assume it, passed by the deploy roles.
 */
export function cdkExecutionRolePattern(qualifier: string): string {
  return `arn:*:iam::*:role/cdk-${qualifier}-cfn-exec-role-*`;
}

/** The ARN patterns of the guardrail resources named with `prefix` (see the README convention). */
export function guardrailResourcePatterns(prefix: string): string[] {
  return [
    // The dead-letter alarm (and any other guardrail alarm): deleting it, or its actions, blinds the pipeline.
    `arn:*:cloudwatch:*:*:alarm:${prefix}-*`,
    `arn:*:logs:*:*:log-group:/${prefix}/*`,
    // Lambda's own log group of a guardrail function whose logging cannot be redirected (the
    // hosted database rotation that Secrets Manager's transform creates).
    `arn:*:logs:*:*:log-group:/aws/lambda/${prefix}-*`,
    // rule/<rule> on the default bus and rule/<bus>/<rule> on a custom one ('*' also matches '/').
    `arn:*:events:*:*:rule/*${prefix}-*`,
    `arn:*:lambda:*:*:function:${prefix}-*`,
    // Mappings have random ids: the condition below keeps only those feeding a guardrail function.
    'arn:*:lambda:*:*:event-source-mapping:*',
    `arn:*:kinesis:*:*:stream/${prefix}-*`,
    `arn:*:sqs:*:*:${prefix}-*`,
    // The guardrail keys' aliases (alias/<prefix>-<env>/data, ...): creating one before the stack
    // does points the name at a key of the caller's (the stack then fails to create its own);
    // re-pointing or deleting one already needs the current key's policy, which names only the key
    // administrators. Only CreateAlias, UpdateAlias and DeleteAlias authorize an alias ARN.
    `arn:*:kms:*:*:alias/${prefix}*`,
  ];
}

/**
 * Deny every action on the guardrail resources (log groups, EventBridge rules, Lambda functions
 * and their event source mappings, Kinesis streams, SQS queues) but writing, consuming
 * and reading (GUARDRAIL_RESOURCE_DATA_ACTIONS), to every principal but `administratorArns`. One
 * statement for all services (the boundary has little room): an action only ever targets its own
 * service's ARNs. `lambda:FunctionArn` is only in the request context of the event source mapping
 * actions, hence `ArnLikeIfExists`: a mapping is covered only when it feeds a guardrail function,
 * every other request is unaffected by the key. `other` adds resources and the reads that stay
 * allowed on them (the boundary: the CDK buckets and, with ECR, the container asset repositories).
 */
export function guardrailResourceStatement(
  administratorArns: readonly string[],
  prefix: string,
  stackPatterns: readonly string[] = [],
  other: { readonly resources: readonly string[]; readonly readActions: readonly string[] } = { resources: [], readActions: [] },
): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DenyGuardrailResourceChanges',
    effect: iam.Effect.DENY,
    notActions: [...GUARDRAIL_RESOURCE_DATA_ACTIONS, ...other.readActions],
    resources: [...guardrailResourcePatterns(prefix), ...stackPatterns, ...other.resources],
    conditions: {
      ArnLikeIfExists: { 'lambda:FunctionArn': `arn:*:lambda:*:*:function:${prefix}-*` },
      ...exceptPrincipals(administratorArns),
    },
  });
}

/**
 * Deny changing the guardrail stacks (`stackPatterns`: updating, deleting, change sets, rollbacks,
 * stack policy, termination protection, signals; creating one with such a name) to every principal
 * but `deployerArns`; reading them stays allowed. CloudFormation carries out an update or a delete
 * with the stack's own service role (the CDK execution role) whatever the caller may do itself, so
 * whoever can update a guardrail stack has the execution role's permissions.
 *
 * With `cdkQualifier`, the same for what the next deployment runs: the CDK bootstrap's assets
 * (cdkBootstrapAssetPatterns: writing, deleting, re-policing or reconfiguring them), where the
 * publishing roles are exempt too. One statement, one exception list (an SCP has 5,120 characters):
 * the deployers' and publishing roles' own policies grant them nothing else.
 */
export function guardrailStackStatement(deployerArns: readonly string[], stackPatterns: readonly string[], cdkQualifier?: string): iam.PolicyStatement {
  const assets = cdkQualifier !== undefined;
  const exempt = exceptPrincipals([...deployerArns, ...(assets ? [...cdkPublishingRolePatterns(cdkQualifier), cdkExecutionRolePattern(cdkQualifier)] : [])]);
  return new iam.PolicyStatement({
    sid: 'DenyGuardrailStackChanges',
    effect: iam.Effect.DENY,
    notActions: [...GUARDRAIL_STACK_READ_ACTIONS],
    resources: [...stackPatterns, ...(assets ? cdkBootstrapAssetPatterns(cdkQualifier) : [])],
    conditions: exempt,
  });
}

/** What creates or changes a StackSet or its instances (the service-managed ones run as the exempt StackSets execution role). */
export const STACK_SET_WRITE_ACTIONS: readonly string[] = [
  'cloudformation:CreateStackSet',
  'cloudformation:UpdateStackSet',
  'cloudformation:CreateStackInstances',
  'cloudformation:UpdateStackInstances',
  'cloudformation:ImportStacksToStackSet',
];

/**
 * Deny every principal of the StackSet administrator accounts but the deployers creating or changing
 * any StackSet: a service-managed StackSet's instances run as the StackSets execution role, which the
 * guardrail SCPs exempt in every target account (`aws:PrincipalAccount`: only in those accounts).
 */
export function stackSetAdministrationStatement(deployerArns: readonly string[], administratorAccountIds: readonly string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DenyStackSetAdministration',
    effect: iam.Effect.DENY,
    actions: [...STACK_SET_WRITE_ACTIONS],
    resources: ['*'],
    conditions: { StringEquals: { 'aws:PrincipalAccount': [...administratorAccountIds] }, ...exceptPrincipals(deployerArns) },
  });
}

/**
 * Deny setting the `guardrails:protected` key through `actions` (IAM create/tag calls, session
 * tags). `ForAnyValue:StringEqualsIgnoreCase`: IAM tag keys of roles and users are not case
 * sensitive (`Guardrails:Protected` is the same tag), so a case-sensitive match could be bypassed.
 */
export function protectedTagKeyStatement(sid: string, actions: readonly string[], exemptArns: readonly string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid,
    effect: iam.Effect.DENY,
    actions: [...actions],
    resources: ['*'],
    conditions: {
      'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': [PROTECTED_TAG_KEY] },
      ...exceptPrincipals(exemptArns),
    },
  });
}

/** GuardDuty Runtime Monitoring's exclusion tag: no agent is deployed to a resource tagged `GuardDutyManaged=false`. */
export const GUARDDUTY_AGENT_TAG_KEY = 'GuardDutyManaged';

/**
 * Tagging the resources GuardDuty deploys its agent to (EC2 instances, EKS and ECS clusters):
 * `ec2:CreateTags` also authorizes tags given at launch, ECS authorizes tags on create with
 * `ecs:TagResource`, and EKS checks the request's tags on `eks:CreateCluster` itself. Also the
 * launchers that tag instances as a service-linked role, which no SCP governs (red6 R6-1): an Auto
 * Scaling group's tags (propagated at launch), EC2 Fleet and Spot Fleet tag specifications. A launch
 * template's instance tags are seen by no condition key: that path stays open (threat model).
 */
export const GUARDDUTY_AGENT_TAGGING_ACTIONS: readonly string[] = [
  'ec2:CreateTags',
  'ec2:DeleteTags',
  'ec2:CreateFleet',
  'ec2:RequestSpotFleet',
  'autoscaling:CreateAutoScalingGroup',
  'autoscaling:CreateOrUpdateTags',
  'autoscaling:DeleteTags',
  'eks:CreateCluster',
  'eks:TagResource',
  'eks:UntagResource',
  'ecs:CreateCluster',
  'ecs:TagResource',
  'ecs:UntagResource',
];

/** Deny setting or removing the `GuardDutyManaged` tag key (any case), but for `exemptArns`. */
export function guardDutyAgentTagStatement(exemptArns: readonly string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DenyGuardDutyAgentTag',
    effect: iam.Effect.DENY,
    actions: [...GUARDDUTY_AGENT_TAGGING_ACTIONS],
    resources: ['*'],
    conditions: {
      'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': [GUARDDUTY_AGENT_TAG_KEY] },
      ...exceptPrincipals(exemptArns),
    },
  });
}

/**
 * Deny any session that would carry a `guardrails:protected` session tag, whatever else the
 * request says (`aws:RequestTag/<key>` present; condition key names are not case sensitive).
 * Nobody is exempt: no legitimate session needs the tag.
 */
export function protectedSessionTagStatement(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DenyProtectedSessionTag',
    effect: iam.Effect.DENY,
    actions: [...SESSION_TAGGING_ACTIONS],
    resources: ['*'],
    conditions: { Null: { [`aws:RequestTag/${PROTECTED_TAG_KEY}`]: 'false' } },
  });
}
