import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BOUNDARY_POLICY_NAMES, DEPLOYMENT_BOUNDARY_TEMPLATE, GuardrailsConfig } from '@cdk-guardrails/config';
import { PolicyRule } from '@cdk-guardrails/iam-least-privilege';

/** Where validate-policies reads suppressions in a template resource's Metadata (PolicyValidator.suppress writes the same key). */
const SUPPRESSIONS_METADATA_KEY = 'guardrails_policy_validator';

/** Name of the boundary of the CDK CloudFormation execution roles (`cdk bootstrap --custom-permissions-boundary`). */
export const DEPLOYMENT_BOUNDARY_NAME = BOUNDARY_POLICY_NAMES.deployment;

/** File name of the template, beside the assemblies: cdk.out/<env>/bootstrap/<file> (config's name, which the deploy scripts read). */
export const DEPLOYMENT_BOUNDARY_TEMPLATE_FILE = DEPLOYMENT_BOUNDARY_TEMPLATE.file;

/**
 * The permissions boundary of the CDK CloudFormation execution role in every account of the
 * environment. The bootstrap gives that role AdministratorAccess and, by default, no boundary; it
 * deploys every guardrail, so the SCPs, key policies and bucket policies exempt it by exact ARN.
 * Nobody inside the guardrails boundary may pass or assume it (PermissionsBoundary
 * `cdkBootstrapQualifier`, SCP protect-guardrail-principals): only the pipeline reaches it. This
 * boundary caps what a template the pipeline submits can make it do:
 * - it cannot remove or replace its own boundary, nor edit this policy;
 * - it cannot create IAM users or long-term credentials (the apps create none);
 * - it cannot assume other roles (break-glass, admins) or leave the organization;
 * - with removalPolicy "retain" (prod), it cannot schedule key deletion, delete a bucket or delete a
 *   guardrail log group: retained resources are never deleted by a deployment.
 *
 * A template, not a stack of the apps: it must exist before `cdk bootstrap` names it, and the apps
 * can only deploy after the bootstrap. docs/operations.md#bootstrap gives the order.
 */
export function deploymentBoundaryDocument(config: GuardrailsConfig): { Version: string; Statement: Record<string, unknown>[] } {
  const q = config.principals.cdkQualifier;
  const account = '${AWS::AccountId}';
  // The partition too: a Deny naming arn:aws: would match nothing in aws-us-gov or aws-cn.
  const partition = '${AWS::Partition}';
  // ARNs of this account: the template resolves them with Fn::Sub in each account it is deployed to.
  const sub = (arn: string) => ({ 'Fn::Sub': arn });
  const statements: Record<string, unknown>[] = [
    {
      // A boundary grants nothing: the role's effective permissions are its execution policy
      // intersected with this Allow, minus the Deny statements below. Allow-all is the documented
      // pattern for a boundary that only subtracts (the CDK example boundary does the same).
      Sid: 'AllowWhatTheExecutionPolicyAllows',
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
    },
    {
      Sid: 'DenyLeavingThisBoundary',
      Effect: 'Deny',
      Action: ['iam:DeleteRolePermissionsBoundary', 'iam:PutRolePermissionsBoundary'],
      Resource: sub(`arn:${partition}:iam::${account}:role/cdk-${q}-*`),
    },
    {
      Sid: 'DenyEditingThisBoundary',
      Effect: 'Deny',
      Action: ['iam:CreatePolicyVersion', 'iam:DeletePolicy', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion'],
      Resource: sub(`arn:${partition}:iam::${account}:policy/${DEPLOYMENT_BOUNDARY_NAME}`),
    },
    {
      Sid: 'DenyUsersAndLongTermCredentials',
      Effect: 'Deny',
      Action: ['iam:CreateUser', 'iam:CreateAccessKey', 'iam:CreateLoginProfile', 'iam:UpdateLoginProfile', 'iam:CreateServiceSpecificCredential'],
      Resource: '*',
    },
    {
      Sid: 'DenyAssumingRolesAndLeavingTheOrganization',
      Effect: 'Deny',
      Action: ['sts:AssumeRole', 'sts:AssumeRoleWithSAML', 'sts:AssumeRoleWithWebIdentity', 'organizations:LeaveOrganization'],
      Resource: '*',
    },
  ];
  if (config.removalPolicy === 'retain') {
    statements.push(
      {
        Sid: 'DenyDestroyingRetainedResources',
        Effect: 'Deny',
        Action: ['kms:ScheduleKeyDeletion', 's3:DeleteBucket'],
        Resource: '*',
      },
      {
        Sid: 'DenyDeletingGuardrailLogGroups',
        Effect: 'Deny',
        Action: ['logs:DeleteLogGroup'],
        Resource: sub(`arn:${partition}:logs:*:${account}:log-group:/guardrails/*`),
      },
    );
  }
  return { Version: '2012-10-17', Statement: statements };
}

/** The CloudFormation template that creates the deployment boundary in one account (deploy it before `cdk bootstrap`). */
export function deploymentBoundaryTemplate(config: GuardrailsConfig): Record<string, unknown> {
  // By-design suppressions: owned by the guardrails team, reviewed by config's date (validate-policies fails after it).
  const waiver = { owner: config.compliance.waiverOwner, expires: config.compliance.waiverReviewBy };
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `cdk-guardrails ${config.environment}: permissions boundary of the CDK CloudFormation execution roles (cdk bootstrap --custom-permissions-boundary ${DEPLOYMENT_BOUNDARY_NAME})`,
    Resources: {
      DeploymentBoundary: {
        Type: 'AWS::IAM::ManagedPolicy',
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        // validate-policies reads this template too: its one Allow "*" is the subtract-only boundary
        // pattern, acknowledged here with the reason, owner and expiry (the same mechanism as PolicyValidator.suppress).
        Metadata: {
          [SUPPRESSIONS_METADATA_KEY]: {
            suppressions: [
              {
                rule: PolicyRule.ALLOW_STAR_ACTION,
                reason:
                  'a permissions boundary grants nothing: this Allow "*" only lets the execution policy through, and the Deny statements subtract from it',
                ...waiver,
              },
              {
                // IAM Access Analyzer CheckAccessNotGranted (validate-policies with credentials) sees the same Allow "*".
                rule: PolicyRule.FORBIDDEN_ACCESS,
                reason:
                  'a permissions boundary grants nothing: the execution roles get iam:PassRole and kms:PutKeyPolicy from their execution policy, capped here',
                ...waiver,
              },
            ],
          },
        },
        Properties: {
          ManagedPolicyName: DEPLOYMENT_BOUNDARY_NAME,
          Description:
            'Boundary of the CDK execution roles: no self-unbounding, no users or access keys, no role hopping, no destruction of retained guardrail resources',
          PolicyDocument: deploymentBoundaryDocument(config),
        },
      },
    },
  };
}

/** Writes cdk.out/<env>/bootstrap/deployment-boundary.template.json; returns its path. */
export function writeDeploymentBoundary(config: GuardrailsConfig, directory: string): string {
  mkdirSync(directory, { recursive: true });
  const file = join(directory, DEPLOYMENT_BOUNDARY_TEMPLATE_FILE);
  writeFileSync(file, JSON.stringify(deploymentBoundaryTemplate(config), null, 2) + '\n');
  return file;
}
