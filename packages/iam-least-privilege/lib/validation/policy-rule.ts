/**
 * The rules `PolicyValidator`, `LeastPrivilegeValidationPlugin` and the
 * `validate-policies` CLI enforce on every policy document. The value is the rule id
 * printed in reports and written into suppressions.
 *
 * (No aws-cdk-lib import in this file: the CLI bundles it.)
 */
export enum PolicyRule {
  /** An Allow statement with `Action: "*"`: every action of every service. */
  ALLOW_STAR_ACTION = 'ALLOW_STAR_ACTION',
  /** An Allow statement with `NotAction`: every action except the listed ones, including actions AWS adds later. */
  ALLOW_NOT_ACTION = 'ALLOW_NOT_ACTION',
  /** An Allow statement with a wildcard action (`s3:*`, `s3:Get*`) on `Resource: "*"`. */
  WILDCARD_ACTION_ON_ALL_RESOURCES = 'WILDCARD_ACTION_ON_ALL_RESOURCES',
  /**
   * An identity policy Allow statement that names a privilege-escalation action on `Resource: "*"`:
   * iam:PassRole, iam:CreatePolicyVersion, iam:SetDefaultPolicyVersion, iam:Attach(Role|User|Group)Policy,
   * iam:Put(Role|User|Group)Policy, iam:UpdateAssumeRolePolicy, iam:AddUserToGroup,
   * iam:(Put|Delete)(Role|User)PermissionsBoundary, iam:CreateAccessKey, iam:CreateLoginProfile,
   * iam:UpdateLoginProfile, iam:CreateServiceSpecificCredential, iam:ResetServiceSpecificCredential,
   * iam:UploadSSHPublicKey, sts:AssumeRole, lambda:UpdateFunctionCode,
   * lambda:UpdateFunctionConfiguration, lambda:AddPermission, glue:UpdateDevEndpoint,
   * cloudformation:UpdateStack, codebuild:StartBuild, ec2-instance-connect:SendSSHPublicKey. Each
   * supports resource-level permissions. Other named actions on `"*"` are not flagged (many need it).
   */
  ESCALATION_ACTION_ON_ALL_RESOURCES = 'ESCALATION_ACTION_ON_ALL_RESOURCES',
  /** An Allow statement with `NotResource`: every resource except the listed ones. */
  ALLOW_NOT_RESOURCE = 'ALLOW_NOT_RESOURCE',
  /**
   * A resource or trust policy Allow statement open to every AWS principal (`Principal: "*"`,
   * `{"AWS": "*"}`, or an ARN with a wildcard account such as `arn:aws:iam::*:root`) with no
   * condition that pins who the caller is: a non-negated operator (StringEquals, StringLike,
   * ArnEquals, ArnLike, without IfExists or ForAllValues) on aws:PrincipalAccount,
   * aws:PrincipalArn, aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:userid, aws:SourceAccount,
   * aws:SourceArn, aws:SourceOwner, aws:SourceOrgID, aws:SourceOrgPaths, aws:SourceVpc,
   * aws:SourceVpce or kms:CallerAccount with fixed values. A condition on the transport, a date,
   * the source IP or sts:ExternalId does not narrow who the caller is. Deny statements are never public.
   */
  PUBLIC_PRINCIPAL = 'PUBLIC_PRINCIPAL',
  /** An action whose service prefix the IAM dataset does not know. */
  UNKNOWN_SERVICE = 'UNKNOWN_SERVICE',
  /** An action (or action pattern) that matches no action of its service in the IAM dataset. */
  UNKNOWN_ACTION = 'UNKNOWN_ACTION',
  /** A condition key the IAM dataset does not know. */
  UNKNOWN_CONDITION_KEY = 'UNKNOWN_CONDITION_KEY',
  /** A policy (or the inline policies of a role, user or group together) over its AWS size limit. */
  POLICY_TOO_LARGE = 'POLICY_TOO_LARGE',
  /** A policy document that is not valid IAM policy grammar (no Statement, no Effect, an action without a service...). */
  MALFORMED_POLICY = 'MALFORMED_POLICY',
  /**
   * IAM Access Analyzer CheckNoNewAccess (validate-policies, with AWS credentials): the policy
   * grants access its deployed version does not. A change may only narrow access unless a
   * suppression of this rule says why the widening is deliberate.
   */
  NEW_ACCESS = 'NEW_ACCESS',
  /**
   * IAM Access Analyzer CheckAccessNotGranted (validate-policies, with AWS credentials): an
   * identity policy grants an action of the configured list of actions no policy may grant.
   */
  FORBIDDEN_ACCESS = 'FORBIDDEN_ACCESS',
  /** A suppression found in a template without a reason. It cannot itself be suppressed. */
  SUPPRESSION_WITHOUT_REASON = 'SUPPRESSION_WITHOUT_REASON',
  /**
   * A suppression without an owner or an expiry date, or past its expiry (before today, UTC): it no
   * longer suppresses anything. It cannot itself be suppressed.
   */
  SUPPRESSION_EXPIRED = 'SUPPRESSION_EXPIRED',
}
