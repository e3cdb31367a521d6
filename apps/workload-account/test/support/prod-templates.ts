/**
 * Both prod apps synthesized once, with their templates, and a resolver that turns every Ref and
 * GetAtt of a template into a concrete stand-in (an ARN of the right service where it matters), so
 * that the real synthesized policies can be evaluated as IAM would.
 */
import { createApp } from '@cdk-guardrails/app-kit';
import { GuardrailsConfig } from '@cdk-guardrails/config';
import { ALLOW_EVERYTHING, evaluate, PolicyJson, resolveIntrinsics } from '@cdk-guardrails/policy-test-kit';
import { Stack } from 'aws-cdk-lib';
import { buildSecurityApp } from '../../../security-account/src/security-app';
import { serviceControlPolicies } from '../../src/identities';
import { auditReplicaStacks, buildWorkloadApp } from '../../src/workload-app';

/** The key id every resolved KMS key ARN carries (the evaluator needs a well-formed id). */
export const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';

/** Concrete stand-ins for every Ref and GetAtt of a template (an ARN of the right service where it matters). */
export function resolver(stack: Stack, template: any) {
  const { account, region } = stack;
  const arnOf = (id: string): string => {
    const type: string = template.Resources[id]?.Type ?? '';
    const name = id.toLowerCase();
    switch (type) {
      case 'AWS::S3::Bucket':
        return `arn:aws:s3:::${name}`;
      case 'AWS::KMS::Key':
        return `arn:aws:kms:${region}:${account}:key/${KEY_ID}`;
      case 'AWS::Logs::LogGroup':
        return `arn:aws:logs:${region}:${account}:log-group:${template.Resources[id].Properties?.LogGroupName ?? name}:*`;
      case 'AWS::IAM::Role':
        return `arn:aws:iam::${account}:role/${template.Resources[id].Properties?.RoleName ?? name}`;
      case 'AWS::Kinesis::Stream':
        return `arn:aws:kinesis:${region}:${account}:stream/${template.Resources[id].Properties?.Name ?? name}`;
      case 'AWS::SQS::Queue':
        return `arn:aws:sqs:${region}:${account}:${template.Resources[id].Properties?.QueueName ?? name}`;
      case 'AWS::Lambda::Function':
        return `arn:aws:lambda:${region}:${account}:function:${template.Resources[id].Properties?.FunctionName ?? name}`;
      case 'AWS::SecretsManager::Secret':
        return `arn:aws:secretsmanager:${region}:${account}:secret:${name}-AbCdEf`;
      default:
        return `arn:aws:${type.split('::')[1]?.toLowerCase() ?? 'x'}:${region}:${account}:${name}`;
    }
  };
  const refs = new Proxy({}, { get: (_t, id: string) => (template.Resources[id]?.Type === 'AWS::S3::Bucket' ? id.toLowerCase() : arnOf(id)) });
  const getAtts = new Proxy({}, { get: (_t, key: string) => arnOf(key.split('.')[0]) });
  return (value: unknown) => resolveIntrinsics(value, { account, region, refs: refs, getAtts: getAtts });
}

/** The account's permissions boundary (GuardrailsPermissionsBoundary) as its home stack `stackName` of `stacks` synthesized it, resolved. */
export function accountBoundaryOf(stacks: Array<[Stack, any]>, stackName: string): PolicyJson {
  const [stack, template] = stacks.find(([s]) => s.stackName === stackName)!;
  const policy = Object.values<any>(template.Resources).find(
    (r) => r.Type === 'AWS::IAM::ManagedPolicy' && r.Properties.ManagedPolicyName === 'GuardrailsPermissionsBoundary',
  );
  return resolver(stack, template)(policy.Properties.PolicyDocument);
}

/** `policy` without its statement `sid` (a mutation: what the rest of the document allows without it). */
export function withoutStatement(policy: PolicyJson, sid: string): PolicyJson {
  return { ...policy, Statement: ([] as any[]).concat(policy.Statement).filter((st) => st.Sid !== sid) };
}

/** Every stack of both prod apps with its synthesized template (each app synthesized once). */
export function prodStacks(config: GuardrailsConfig): Array<[Stack, any]> {
  const workloadApp = createApp({ context: { env: 'prod' } });
  const workload = [...buildWorkloadApp(workloadApp, config), ...auditReplicaStacks(workloadApp)];
  const securityApp = createApp({ context: { env: 'prod' } });
  const security = buildSecurityApp(securityApp, config);
  const workloadAssembly = workloadApp.synth();
  const securityAssembly = securityApp.synth();
  return [
    ...workload.map((s) => [s, workloadAssembly.getStackArtifact(s.artifactId).template] as [Stack, any]),
    ...security.map((s) => [s, securityAssembly.getStackArtifact(s.artifactId).template] as [Stack, any]),
  ];
}

/** The SCP documents of `config` as the semantic tests evaluate them: FullAWSAccess and every generated SCP. */
export function scpDocumentsOf(config: GuardrailsConfig): PolicyJson[] {
  return [ALLOW_EVERYTHING, ...serviceControlPolicies(config).map((p) => JSON.parse(p.toJson()))];
}

/** `config` with GuardDuty Runtime Monitoring managing its EC2 agent (the SCP then protects the GuardDutyManaged tag). */
export function withGuardDutyEc2AgentManagement(config: GuardrailsConfig): GuardrailsConfig {
  return {
    ...config,
    detectiveControls: {
      ...config.detectiveControls,
      guardDutyProtection: { ...config.detectiveControls.guardDutyProtection, runtimeMonitoring: true, ec2AgentManagement: true },
    },
  };
}

/** Condition values of a request's context. */
export type RequestContext = Record<string, string | string[]>;

/**
 * A request as the red-team tests send it: the global keys the evaluator does not set itself
 * (`aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:RequestedRegion`, TLS), the resource's account
 * from its ARN or `defaultAccount` for an ARN without one (`*`, S3).
 */
export function scpRequest(principal: string, action: string, resource: string, region: string, context: RequestContext, defaultAccount: string) {
  return {
    principal,
    action,
    resource,
    resourceAccount: resource.split(':')[4] || defaultAccount,
    context: {
      'aws:PrincipalArn': principal,
      'aws:PrincipalAccount': principal.split(':')[4],
      'aws:RequestedRegion': region,
      'aws:SecureTransport': 'true',
      ...context,
    },
  };
}

/**
 * Any principal with `Allow *:*` under `scps` alone; the resource's own policy grants the request
 * (key, trust or destination policy), so the SCPs are the subject.
 */
export function evaluateUnderScps(
  scps: PolicyJson[],
  principal: string,
  action: string,
  resource: string,
  region: string,
  context: RequestContext,
  defaultAccount: string,
) {
  return evaluate({
    identityPolicies: [ALLOW_EVERYTHING],
    serviceControlPolicies: scps,
    resourcePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: action, Resource: resource }] },
    request: scpRequest(principal, action, resource, region, context, defaultAccount),
  });
}

/** `principal` with `Allow *:*` inside `boundary` (a bounded admin), under `scps`. */
export function evaluateAsBounded(
  boundary: PolicyJson,
  scps: PolicyJson[],
  principal: string,
  action: string,
  resource: string,
  region: string,
  context: RequestContext,
  defaultAccount: string,
) {
  return evaluate({
    identityPolicies: [ALLOW_EVERYTHING],
    permissionsBoundaries: [boundary],
    serviceControlPolicies: scps,
    request: scpRequest(principal, action, resource, region, context, defaultAccount),
  });
}
