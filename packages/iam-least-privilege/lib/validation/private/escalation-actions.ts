/**
 * Actions that, granted on every resource, let a principal give itself (or a principal it controls)
 * more permissions than it has: the privilege-escalation paths documented for IAM. Each one supports
 * resource-level permissions (the IAM service reference lists a required resource type for it;
 * test/validation/escalation-actions.test.ts checks this against the dataset), so `Resource: "*"` is
 * never needed: name the roles, policies, users, groups or functions.
 *
 * Why a list and not "every action with a resource type on `*`": the IAM dataset snapshot the
 * package ships has no resource types (bin-src/update-iam-dataset.js), and many listed actions on
 * `*` are legitimate by AWS design (cloudwatch:PutMetricData, the ec2 network-interface actions of
 * a Lambda function in a VPC). This list is the part whose grant on `*` is an escalation.
 *
 * Shared by PolicyStatementBuilder (refuses at the call) and the validator rule
 * ESCALATION_ACTION_ON_ALL_RESOURCES (templates). No aws-cdk-lib import: the CLI bundles this file.
 */
export const ESCALATION_ACTIONS: readonly string[] = [
  'iam:PassRole',
  'iam:CreatePolicyVersion',
  'iam:SetDefaultPolicyVersion',
  'iam:AttachRolePolicy',
  'iam:AttachUserPolicy',
  'iam:AttachGroupPolicy',
  'iam:PutRolePolicy',
  'iam:PutUserPolicy',
  'iam:PutGroupPolicy',
  'iam:UpdateAssumeRolePolicy',
  'iam:AddUserToGroup',
  'iam:PutRolePermissionsBoundary',
  'iam:PutUserPermissionsBoundary',
  'iam:DeleteRolePermissionsBoundary',
  'iam:DeleteUserPermissionsBoundary',
  'iam:CreateAccessKey',
  'iam:CreateLoginProfile',
  'iam:UpdateLoginProfile',
  'iam:CreateServiceSpecificCredential',
  'iam:ResetServiceSpecificCredential',
  'iam:UploadSSHPublicKey',
  'sts:AssumeRole',
  'lambda:UpdateFunctionCode',
  'lambda:UpdateFunctionConfiguration',
  'lambda:AddPermission',
  'glue:UpdateDevEndpoint',
  'cloudformation:UpdateStack',
  'codebuild:StartBuild',
  'ec2-instance-connect:SendSSHPublicKey',
];

const BY_LOWER_NAME = new Map(ESCALATION_ACTIONS.map((a) => [a.toLowerCase(), a]));

/**
 * The escalation action an action names (IAM action names are case-insensitive), or undefined.
 * Only a named action: a wildcard on `*` is already WILDCARD_ACTION_ON_ALL_RESOURCES.
 */
export function escalationAction(action: string): string | undefined {
  return BY_LOWER_NAME.get(action.toLowerCase());
}
