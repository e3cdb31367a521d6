import * as iam from 'aws-cdk-lib/aws-iam';

/** Sid of the statement that allows this account's principals on this account's resources. */
export const SID_ACCOUNT_RESOURCES = 'ThisAccountPrincipalsOnThisAccountResources';
/** Sid of the statement for actions that act on no resource. */
export const SID_NO_RESOURCE = 'ThisAccountPrincipalsOnActionsWithoutResource';

/**
 * The statements of an endpoint policy: a request through the endpoint is allowed only when
 * the caller is a principal of `principalAccount` and the resource belongs to one of
 * `resourceAccounts`. Everything else is implicitly denied by the endpoint (the caller's own
 * IAM policies still apply on top: an endpoint policy never grants anything by itself).
 *
 * Actions that act on no resource (for example `secretsmanager:GetRandomPassword`) carry no
 * `aws:ResourceAccount`; they get a second statement scoped to the caller's account only. They
 * cannot move data out of the account.
 */
export function endpointPolicyStatements(
  actionPrefix: string,
  actionsWithoutResource: string[],
  principalAccount: string,
  resourceAccounts: string[],
): iam.PolicyStatement[] {
  const statements = [
    new iam.PolicyStatement({
      sid: SID_ACCOUNT_RESOURCES,
      principals: [new iam.StarPrincipal()],
      // The endpoint only ever carries this service's requests, so the service-wide wildcard
      // allows nothing more than "any action"; IAM policies of the caller narrow it.
      actions: [`${actionPrefix}:*`],
      resources: ['*'],
      conditions: {
        StringEquals: {
          'aws:PrincipalAccount': principalAccount,
          'aws:ResourceAccount': resourceAccounts.length === 1 ? resourceAccounts[0] : resourceAccounts,
        },
      },
    }),
  ];
  if (actionsWithoutResource.length > 0) {
    statements.push(
      new iam.PolicyStatement({
        sid: SID_NO_RESOURCE,
        principals: [new iam.StarPrincipal()],
        actions: actionsWithoutResource,
        resources: ['*'],
        conditions: { StringEquals: { 'aws:PrincipalAccount': principalAccount } },
      }),
    );
  }
  return statements;
}

/** Statements of the S3 gateway endpoint policy. */
export function s3EndpointPolicyStatements(principalAccount: string, resourceAccounts: string[]): iam.PolicyStatement[] {
  return endpointPolicyStatements('s3', [], principalAccount, resourceAccounts);
}
