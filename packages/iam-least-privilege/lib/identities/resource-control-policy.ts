import { PolicySizeLimit } from '@cdk-guardrails/facts';
import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { perimeterActions, RCP_DEFAULT_PERIMETER_SERVICES, RCP_SUPPORTED_SERVICES, SERVICE_PRINCIPAL_CATALOGUE } from './private/rcp-catalogue';
import { organizationPolicyJson } from './private/organization-policy';
import { rcpStatementProblems } from './private/rcp-rules';
import { writePolicyFiles } from './private/scp-statements';
import {
  ConfusedDeputyProtectionOptions,
  IdentityPerimeterOptions,
  RcpServicePrincipal,
  RcpServicesOptions,
  ResourceControlPolicyProps,
  SecureTransportOptions,
} from './resource-control-policy-options';
import { propError } from '../private/errors';

const CTOR = 'new ResourceControlPolicy';
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;

/**
 * A resource control policy (RCP) document generated in code: the data perimeter on the
 * resources of the organization's accounts. Checked against the AWS Organizations rules for RCPs
 * (only `Deny` statements with `Principal: "*"`, only services that support RCPs, at most 5,120
 * characters) and written as a JSON file at synth time; like the SCPs, this library neither
 * creates nor attaches it (see the README and docs/data-perimeter.md).
 *
 * Built from the AWS data-perimeter reference RCPs (aws-samples/data-perimeter-policy-examples,
 * resource_control_policies/), without their `dp:exclude:*` resource-tag exclusions: a tag is
 * something an administrator inside the boundary can set, so every exception here names an exact
 * account or service principal.
 */
export class ResourceControlPolicy {
  /** AWS Organizations limit for an RCP document, in characters (the same as an SCP's). */
  public static readonly MAX_CHARACTERS: number = PolicySizeLimit.SERVICE_CONTROL_POLICY.maximum;

  /** Service prefixes RCPs apply to (AWS Organizations User Guide, "Resource control policies"). */
  public static readonly SUPPORTED_SERVICES: string[] = [...RCP_SUPPORTED_SERVICES];

  /**
   * Deny every principal outside the organization (`aws:PrincipalOrgID`) on the services'
   * resources, unless it belongs to a trusted account (`aws:PrincipalAccount`) or is an AWS service
   * principal (`BoolIfExists aws:PrincipalIsAWSService false`: an anonymous request, which carries
   * none of these keys, is denied too). A resource policy can then grant nobody else, whatever it says.
   */
  public static identityPerimeter(options: IdentityPerimeterOptions): ResourceControlPolicy {
    const owner = 'ResourceControlPolicy.identityPerimeter';
    const org = organizationId(owner, options.organizationId);
    const trusted = accountIds(owner, 'trustedAccountIds', options.trustedAccountIds);
    return new ResourceControlPolicy({
      name: options.name ?? 'identity-perimeter',
      description: 'Deny principals outside the organization and the trusted accounts (AWS services exempt)',
      statements: [
        perimeterStatement('EnforceOrgIdentities', services(owner, options), {
          StringNotEqualsIfExists: { 'aws:PrincipalOrgID': org, ...(trusted.length > 0 ? { 'aws:PrincipalAccount': trusted } : {}) },
          BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
        }),
      ],
    });
  }

  /**
   * Deny AWS service principals that act for an account outside the organization
   * (`aws:SourceOrgID`) on the services' resources: a service that another account can point at
   * our bucket or key (the confused deputy) is refused. Applies only when the service sends the
   * account it acts for (`Null aws:SourceAccount false`) and only to service principals (`Bool
   * aws:PrincipalIsAWSService true`); `trustedSourceAccountIds` and `exemptServicePrincipals` are
   * the exact exceptions.
   */
  public static confusedDeputyProtection(options: ConfusedDeputyProtectionOptions): ResourceControlPolicy {
    const owner = 'ResourceControlPolicy.confusedDeputyProtection';
    const org = organizationId(owner, options.organizationId);
    const trusted = accountIds(owner, 'trustedSourceAccountIds', options.trustedSourceAccountIds);
    const exempt = options.exemptServicePrincipals ?? [];
    exempt.forEach((p, i) => {
      if (Token.isUnresolved(p) || !/^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/.test(p)) {
        throw propError(
          owner,
          `exemptServicePrincipals[${i}]`,
          JSON.stringify(p),
          "an exact AWS service principal such as 'config.amazonaws.com' (no wildcard)",
        );
      }
    });
    return new ResourceControlPolicy({
      name: options.name ?? 'confused-deputy-protection',
      description: 'Deny AWS services acting for an account outside the organization',
      statements: [
        perimeterStatement('EnforceConfusedDeputyProtection', services(owner, options), {
          StringNotEqualsIfExists: {
            'aws:SourceOrgID': org,
            ...(trusted.length > 0 ? { 'aws:SourceAccount': trusted } : {}),
            ...(exempt.length > 0 ? { 'aws:PrincipalServiceName': [...new Set(exempt)] } : {}),
          },
          Null: { 'aws:SourceAccount': 'false' },
          Bool: { 'aws:PrincipalIsAWSService': 'true' },
        }),
      ],
    });
  }

  /**
   * Deny every request over plain HTTP (`BoolIfExists aws:SecureTransport false`) on the
   * services' resources, whatever their resource policies say.
   */
  public static requireSecureTransport(options: SecureTransportOptions = {}): ResourceControlPolicy {
    const owner = 'ResourceControlPolicy.requireSecureTransport';
    return new ResourceControlPolicy({
      name: options.name ?? 'require-secure-transport',
      description: 'Deny requests without TLS',
      statements: [perimeterStatement('EnforceSecureTransport', services(owner, options), { BoolIfExists: { 'aws:SecureTransport': 'false' } })],
    });
  }

  /**
   * The AWS service principals the guardrails' resource policies grant, per service, with the
   * AWS page that documents each: none needs an exception from these RCPs (see the README).
   */
  public static servicePrincipalCatalogue(): RcpServicePrincipal[] {
    return SERVICE_PRINCIPAL_CATALOGUE.map((e) => ({ ...e, services: [...e.services] }));
  }

  /**
   * Write each policy as `<directory>/<name>.json` (minified) and return the paths.
   */
  public static writeFiles(directory: string, policies: ResourceControlPolicy[]): string[] {
    return writePolicyFiles('ResourceControlPolicy.writeFiles', directory, policies);
  }

  /** Name of the RCP (also its file name). */
  public readonly name: string;

  /** Description to use when creating the RCP. */
  public readonly description?: string;

  /** Characters of the minified document (what Organizations counts). */
  public readonly sizeInCharacters: number;

  private readonly json: string;

  constructor(props: ResourceControlPolicyProps) {
    const json = organizationPolicyJson(CTOR, 'RCP', props.name, props.statements, ResourceControlPolicy.MAX_CHARACTERS, (s, prop) =>
      validateRcpStatement(CTOR, prop, s),
    );
    this.name = props.name;
    this.description = props.description;
    this.sizeInCharacters = json.length;
    this.json = json;
  }

  /** The policy as minified JSON: the exact content to send to AWS Organizations. */
  public toJson(): string {
    return this.json;
  }
}

/** Throws on the first way the statement breaks the AWS Organizations rules for RCPs, or exempts principals of any account. */
function validateRcpStatement(owner: string, prop: string, s: any): void {
  const [problem] = rcpStatementProblems(s);
  if (problem !== undefined) throw propError(owner, prop, problem.received, problem.expected);
  const anyAccount = anyAccountPrincipalExemption(s);
  if (anyAccount !== undefined) {
    throw propError(
      owner,
      prop,
      `the principal exemption '${anyAccount}' (a wildcard account or a policy variable)`,
      'principal ARNs of a named account, without policy variables (an RCP governs requests from every AWS account, outside the organization too)',
      "Anyone can create a role of that name in an account of their own, and no SCP reaches it; a policy variable ('${aws:PrincipalAccount}') names the caller's own account.",
    );
  }
}

/**
 * The first `aws:PrincipalARN` value of a negated condition (an exemption of a Deny: `ArnNotEquals`,
 * `ArnNotLike`, `StringNotLike`..., with `IfExists` or a set prefix, in any letter case) whose account
 * is a wildcard, that is too short to name one, or that holds a policy variable (`${...}`: the value
 * then depends on the caller, `arn:aws:iam::${aws:PrincipalAccount}:role/x` is that role in every
 * account). An SCP governs only the principals of its accounts, so there `arn:aws:iam::*:role/<name>`
 * is that role in each of them; an RCP governs every caller.
 */
function anyAccountPrincipalExemption(s: any): string | undefined {
  for (const [operator, keys] of Object.entries<Record<string, unknown>>(s.Condition ?? {})) {
    if (!/not/i.test(operator)) continue;
    for (const [key, value] of Object.entries(keys ?? {})) {
      if (key.toLowerCase() !== 'aws:principalarn') continue;
      for (const v of ([] as unknown[]).concat(value)) {
        if (typeof v !== 'string') continue;
        const parts = v.split(':');
        if (v.includes('$') || (parts.length < 6 ? /[*?]/.test(v) : /[*?]/.test(parts[4]))) return v;
      }
    }
  }
  return undefined;
}

function perimeterStatement(sid: string, serviceList: string[], conditions: Record<string, any>): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid,
    effect: iam.Effect.DENY,
    principals: [new iam.StarPrincipal()],
    actions: serviceList.flatMap(perimeterActions),
    resources: ['*'],
    conditions,
  });
}

function services(owner: string, options: RcpServicesOptions): string[] {
  const list = options.services ?? [...RCP_DEFAULT_PERIMETER_SERVICES];
  if (list.length === 0) throw propError(owner, 'services', 'an empty list', `service prefixes among ${RCP_SUPPORTED_SERVICES.join(', ')}`);
  list.forEach((s, i) => {
    if (!RCP_SUPPORTED_SERVICES.includes(s)) {
      throw propError(
        owner,
        `services[${i}]`,
        `'${s}'`,
        `a service that supports RCPs: ${RCP_SUPPORTED_SERVICES.join(', ')}`,
        'AWS Organizations applies RCPs to those services only; protect the others with SCPs and resource policies',
      );
    }
  });
  return [...new Set(list)];
}

function organizationId(owner: string, id: string): string {
  if (Token.isUnresolved(id) || !ORGANIZATION_ID.test(id ?? '')) {
    throw propError(
      owner,
      'organizationId',
      JSON.stringify(id),
      "an AWS Organizations id such as 'o-a1b2c3d4e5' ('o-' and 10 to 32 lower-case letters or digits)",
    );
  }
  return id;
}

function accountIds(owner: string, prop: string, ids: string[] | undefined): string[] {
  (ids ?? []).forEach((id, i) => {
    if (Token.isUnresolved(id) || !/^\d{12}$/.test(id))
      throw propError(owner, `${prop}[${i}]`, JSON.stringify(id), 'a 12-digit AWS account id (no wildcard, no token)');
  });
  return [...new Set(ids ?? [])];
}
