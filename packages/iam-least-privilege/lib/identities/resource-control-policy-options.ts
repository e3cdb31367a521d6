import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * Properties of a {@link ResourceControlPolicy}.
 */
export interface ResourceControlPolicyProps {
  /** Name of the RCP (also the file name): letters, digits, '-' and '_'. */
  readonly name: string;

  /**
   * Description to use when creating the RCP in AWS Organizations.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * The statements: each a `Deny` with `Principal: "*"`, `Action` (no `NotAction`, never `*` alone)
   * naming only services that support RCPs (`ResourceControlPolicy.SUPPORTED_SERVICES`), and plain
   * strings (an RCP lives outside CloudFormation). AWS Organizations allows no `Allow` in an RCP
   * but its own `RCPFullAWSAccess`, and no `NotPrincipal`.
   */
  readonly statements: iam.PolicyStatement[];
}

/** Options shared by the data-perimeter RCPs. */
export interface RcpServicesOptions {
  /**
   * Service prefixes the statement covers, each one that supports RCPs
   * (`ResourceControlPolicy.SUPPORTED_SERVICES`). STS is covered by the actions a role governs
   * (`sts:AssumeRole`, `sts:SetContext`, ...), not `sts:*`.
   *
   * @default ['s3', 'kms', 'sts', 'sqs', 'secretsmanager', 'logs']
   */
  readonly services?: string[];
}

/**
 * Options of {@link ResourceControlPolicy.identityPerimeter}.
 */
export interface IdentityPerimeterOptions extends RcpServicesOptions {
  /** The AWS Organizations id (`o-` and 10 to 32 lower-case letters or digits). */
  readonly organizationId: string;

  /**
   * 12-digit ids of accounts outside the organization whose principals may still reach our
   * resources (a partner, a vendor's scanner), when a resource policy grants them
   * (`aws:PrincipalAccount`). Each one named: no wildcard.
   *
   * @default - none: only principals of the organization and AWS service principals
   */
  readonly trustedAccountIds?: string[];

  /**
   * Name of the RCP.
   *
   * @default 'identity-perimeter'
   */
  readonly name?: string;
}

/**
 * Options of {@link ResourceControlPolicy.confusedDeputyProtection}.
 */
export interface ConfusedDeputyProtectionOptions extends RcpServicesOptions {
  /** The AWS Organizations id (`o-` and 10 to 32 lower-case letters or digits). */
  readonly organizationId: string;

  /**
   * 12-digit ids of accounts outside the organization an AWS service may act for on our resources
   * (`aws:SourceAccount`), for example the account of a partner's AWS Config aggregator.
   *
   * @default - none: a service principal may act only for an account of the organization
   */
  readonly trustedSourceAccountIds?: string[];

  /**
   * Exact AWS service principals exempt from the statement (`aws:PrincipalServiceName`), for a
   * service that acts for an account outside the organization by design. Each must be documented
   * (see `ResourceControlPolicy.servicePrincipalCatalogue()` and the README).
   *
   * @default - none
   */
  readonly exemptServicePrincipals?: string[];

  /**
   * Name of the RCP.
   *
   * @default 'confused-deputy-protection'
   */
  readonly name?: string;
}

/**
 * Options of {@link ResourceControlPolicy.requireSecureTransport}.
 */
export interface SecureTransportOptions extends RcpServicesOptions {
  /**
   * Name of the RCP.
   *
   * @default 'require-secure-transport'
   */
  readonly name?: string;
}

/**
 * An AWS service principal that acts on the guardrails' resources, with its documentation.
 */
export interface RcpServicePrincipal {
  /** The principal, as a resource policy names it (for example 'cloudtrail.amazonaws.com'). */
  readonly principal: string;
  /** Service prefixes of the resources it acts on. */
  readonly services: string[];
  /** What it does for us. */
  readonly purpose: string;
  /** Whether it sends `aws:SourceAccount` (the confused-deputy statement then applies to it). */
  readonly sendsSourceAccount: boolean;
  /** The AWS documentation page that describes it. */
  readonly source: string;
}
