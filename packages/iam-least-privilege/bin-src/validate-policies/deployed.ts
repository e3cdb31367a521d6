/**
 * The deployed version of a policy of the assembly, for CheckNoNewAccess.
 *
 * The physical names come from the deployed stack (CloudFormation ListStackResources by the
 * stack name of the manifest), so CDK-generated names resolve too. Then:
 * - managed policy: IAM GetPolicy + GetPolicyVersion (the default version);
 * - inline policy (AWS::IAM::Policy, RolePolicy/UserPolicy/GroupPolicy, or a role's Policies):
 *   IAM GetRolePolicy / GetUserPolicy / GetGroupPolicy;
 * - role trust policy: IAM GetRole;
 * - bucket policy: S3 GetBucketPolicy in the stack's region;
 * - key policy: KMS GetKeyPolicy (the `default` policy) of the key's physical id;
 * - queue policy: SQS GetQueueAttributes `Policy` of each queue's URL (the first queue: the same
 *   document is on every queue listed);
 * - topic policy: SNS GetTopicAttributes `Policy` of the first topic's ARN;
 * - secret policy: Secrets Manager GetResourcePolicy of the secret.
 * Logs destination and resource policies are not read: the result says so. Nothing here throws for a missing stack, resource or policy: the result
 * says why there is nothing to compare.
 */
import { CloudFormationClient, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import {
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { GetKeyPolicyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { GetResourcePolicyCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { TemplateResource } from '../../lib/validation/private/template-policies';

type AwsCredentialIdentity = { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };

/** A deployed document, or why there is none: `isNew` for a policy not deployed yet, otherwise it could not be read. */
export type DeployedPolicy = { readonly document: string } | { readonly missing: string; readonly isNew: boolean };

/** Physical ids of a deployed stack by logical id, or why there are none. */
export type StackResources = { readonly physicalIds: Record<string, string> } | { readonly missing: string; readonly isNew: boolean };

/** What identifies one policy of a template. */
export interface PolicyTarget {
  readonly logicalId: string;
  readonly resourceType: string;
  /** Where the document sits, e.g. `Properties.Policies[0].PolicyDocument`. */
  readonly location: string;
  readonly resource: TemplateResource;
  readonly physicalIds: Record<string, string>;
  readonly region: string;
}

/** Reads deployed stacks and policies with the AWS SDK. */
export class DeployedPolicies {
  private readonly iam: IAMClient;
  private readonly cfn = new Map<string, CloudFormationClient>();
  private readonly s3 = new Map<string, S3Client>();
  private readonly kms = new Map<string, KMSClient>();
  private readonly sqs = new Map<string, SQSClient>();
  private readonly sns = new Map<string, SNSClient>();
  private readonly secrets = new Map<string, SecretsManagerClient>();

  constructor(
    private readonly credentials: AwsCredentialIdentity,
    region: string,
  ) {
    this.iam = new IAMClient({ region, credentials });
  }

  public async stackResources(stackName: string, region: string): Promise<StackResources> {
    const client = cached(this.cfn, region, () => new CloudFormationClient({ region, credentials: this.credentials }));
    const physicalIds: Record<string, string> = {};
    let nextToken: string | undefined;
    try {
      do {
        const page = await client.send(new ListStackResourcesCommand({ StackName: stackName, NextToken: nextToken }));
        for (const r of page.StackResourceSummaries ?? []) {
          if (r.LogicalResourceId && r.PhysicalResourceId) physicalIds[r.LogicalResourceId] = r.PhysicalResourceId;
        }
        nextToken = page.NextToken;
      } while (nextToken);
    } catch (e: any) {
      if (/does not exist/.test(String(e?.message))) {
        return { missing: `stack ${stackName} is not deployed in ${region} (in the account of the credentials)`, isNew: true };
      }
      return { missing: `could not list the resources of stack ${stackName} in ${region} (${errorText(e)})`, isNew: false };
    }
    return { physicalIds };
  }

  public async policy(target: PolicyTarget): Promise<DeployedPolicy> {
    const props = target.resource.Properties ?? {};
    const own = target.physicalIds[target.logicalId];
    const notDeployed = { missing: `${target.logicalId} is not in the deployed stack`, isNew: true };
    const name = (v: unknown): string | undefined =>
      typeof v === 'string' ? v : v && typeof v === 'object' && typeof (v as any).Ref === 'string' ? target.physicalIds[(v as any).Ref] : undefined;
    try {
      switch (target.resourceType) {
        case 'AWS::IAM::ManagedPolicy': {
          if (!own) return notDeployed;
          const policy = await this.iam.send(new GetPolicyCommand({ PolicyArn: own }));
          const version = await this.iam.send(new GetPolicyVersionCommand({ PolicyArn: own, VersionId: policy.Policy?.DefaultVersionId }));
          return decoded(version.PolicyVersion?.Document);
        }
        case 'AWS::IAM::Policy':
        case 'AWS::IAM::RolePolicy':
        case 'AWS::IAM::UserPolicy':
        case 'AWS::IAM::GroupPolicy': {
          const policyName = name(props.PolicyName);
          // An AWS::IAM::Policy puts the same document on every role, user and group listed: one is enough.
          const role = name(props.RoleName ?? props.Roles?.[0]);
          const user = name(props.UserName ?? props.Users?.[0]);
          const group = name(props.GroupName ?? props.Groups?.[0]);
          if (!policyName || !(role || user || group)) return notDeployed;
          return await this.inline(policyName, role, user, group);
        }
        case 'AWS::IAM::Role':
        case 'AWS::IAM::User':
        case 'AWS::IAM::Group': {
          if (!own) return notDeployed;
          if (target.location === 'Properties.AssumeRolePolicyDocument') {
            const role = await this.iam.send(new GetRoleCommand({ RoleName: own }));
            return decoded(role.Role?.AssumeRolePolicyDocument);
          }
          const index = /^Properties\.Policies\[(\d+)\]/.exec(target.location)?.[1];
          const policyName = index !== undefined ? name(props.Policies?.[Number(index)]?.PolicyName) : undefined;
          if (!policyName) return { missing: `the inline policy at ${target.location} has no literal PolicyName`, isNew: false };
          const kind = target.resourceType.split('::')[2];
          return await this.inline(policyName, kind === 'Role' ? own : undefined, kind === 'User' ? own : undefined, kind === 'Group' ? own : undefined);
        }
        case 'AWS::S3::BucketPolicy': {
          const bucket = name(props.Bucket);
          if (!bucket || !own) return notDeployed;
          const client = cached(this.s3, target.region, () => new S3Client({ region: target.region, credentials: this.credentials }));
          const result = await client.send(new GetBucketPolicyCommand({ Bucket: bucket }));
          return result.Policy ? { document: result.Policy } : { missing: `bucket ${bucket} has no policy`, isNew: true };
        }
        case 'AWS::KMS::Key': {
          if (!own) return notDeployed;
          const client = cached(this.kms, target.region, () => new KMSClient({ region: target.region, credentials: this.credentials }));
          const result = await client.send(new GetKeyPolicyCommand({ KeyId: own, PolicyName: 'default' }));
          return result.Policy ? { document: result.Policy } : { missing: `key ${own} returned no policy`, isNew: false };
        }
        case 'AWS::SQS::QueuePolicy': {
          const queueUrl = name(props.Queues?.[0]);
          if (!queueUrl || !own) return notDeployed;
          const client = cached(this.sqs, target.region, () => new SQSClient({ region: target.region, credentials: this.credentials }));
          const result = await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['Policy'] }));
          const policy = result.Attributes?.Policy;
          return policy ? { document: policy } : { missing: `queue ${queueUrl} has no policy`, isNew: true };
        }
        case 'AWS::SNS::TopicPolicy': {
          const topicArn = name(props.Topics?.[0]);
          if (!topicArn || !own) return notDeployed;
          const client = cached(this.sns, target.region, () => new SNSClient({ region: target.region, credentials: this.credentials }));
          const result = await client.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
          const policy = result.Attributes?.Policy;
          return policy ? { document: policy } : { missing: `topic ${topicArn} has no policy`, isNew: true };
        }
        case 'AWS::SecretsManager::ResourcePolicy': {
          const secretId = name(props.SecretId);
          if (!secretId || !own) return notDeployed;
          const client = cached(this.secrets, target.region, () => new SecretsManagerClient({ region: target.region, credentials: this.credentials }));
          const result = await client.send(new GetResourcePolicyCommand({ SecretId: secretId }));
          return result.ResourcePolicy ? { document: result.ResourcePolicy } : { missing: `secret ${secretId} has no resource policy`, isNew: true };
        }
        default:
          return { missing: `validate-policies does not read deployed ${target.resourceType} policies`, isNew: false };
      }
    } catch (e: any) {
      if (
        [
          'NoSuchEntityException',
          'NoSuchEntity',
          'NoSuchBucketPolicy',
          'NoSuchBucket',
          'NotFoundException',
          'ResourceNotFoundException',
          'QueueDoesNotExist',
        ].includes(e?.name)
      ) {
        return { missing: `no deployed version (${e.name})`, isNew: true };
      }
      return { missing: `could not read the deployed version (${errorText(e)})`, isNew: false };
    }
  }

  private async inline(policyName: string, role?: string, user?: string, group?: string): Promise<DeployedPolicy> {
    const out = role
      ? await this.iam.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: policyName }))
      : user
        ? await this.iam.send(new GetUserPolicyCommand({ UserName: user, PolicyName: policyName }))
        : await this.iam.send(new GetGroupPolicyCommand({ GroupName: group, PolicyName: policyName }));
    return decoded(out.PolicyDocument);
  }
}

/** IAM returns documents URL-encoded (RFC 3986). */
function decoded(document: string | undefined): DeployedPolicy {
  if (!document) return { missing: 'IAM returned no document', isNew: false };
  return { document: decodeURIComponent(document) };
}

function cached<T>(map: Map<string, T>, key: string, make: () => T): T {
  if (!map.has(key)) map.set(key, make());
  return map.get(key)!;
}

function errorText(e: any): string {
  return `${e?.name ?? 'Error'}: ${String(e?.message ?? e).split('\n')[0]}`;
}
