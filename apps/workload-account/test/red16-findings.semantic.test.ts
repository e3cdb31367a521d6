/**
 * RED-TEAM red16 FINDINGS (helper red16): the red14 fixes attacked from outside the boundary: the tag statement
 * `DenyTaggedGuardrailResourceChanges` now covering roles (change, untag, pass) and the backup plan and vault,
 * `logs:*ResourcePolicy` and `backup:UpdateRegionSettings` in `DenySecurityServiceTampering`, masking and
 * transformers in `DenyGuardrailLogForgery`, and the forwarder throttle alarm.
 *
 * Each `test.failing` is a hole still open (or a legitimate flow the fix broke): it asserts what should hold and
 * fails today, so the suite stays green while it is open; when a fix lands, turn it into a plain `test`. The
 * `facts` tests pin what each finding rests on (the attack allowed, the contrast that shows the guardrail's
 * intent, a control, and where cheap the suggested fix as a mutation). `checked and closed` pins what was
 * attacked and found denied.
 *
 * Evaluated like red14-findings.semantic.test.ts: prod synthesized, FullAWSAccess plus every generated SCP;
 * principals outside the boundary have `Allow *:*` and are held by the SCPs (and resource policies) only. The
 * "outsider" is an IAM Identity Center administrator (`AWSReservedSSO_AccountAdmin_*`), exempt from nothing;
 * the log admin is config's `logAdminRoleName`. R16-5 to R16-7 are in packages/iam-least-privilege/test/red16-findings.test.ts,
 * R16-8 and R16-9 in packages/kms-hierarchy/test/red16-findings.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALLOW_EVERYTHING, evaluate, PolicyJson } from '@cdk-guardrails/policy-test-kit';
import { Stack } from 'aws-cdk-lib';
import { HOME, SECURITY, PROD as config, PROD_SCPS as SCPS } from './support/prod-fixture';
import { prodStacks, resolver, RequestContext } from './support/prod-templates';

jest.setTimeout(300_000);

const PAYMENTS = config.workloadAccounts.find((a) => a.name === 'payments')!.accountId;
const QUALIFIER = config.principals.cdkQualifier;
const role = (name: string, account: string) => `arn:aws:iam::${account}:role/${name}`;
const EXEC = (account: string, region = HOME) => role(`cdk-${QUALIFIER}-cfn-exec-role-${account}-${region}`, account);
const OUTSIDER = (account: string) => role('aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AccountAdmin_0123456789abcdef', account);
const LOG_ADMIN = (account: string) => role(config.principals.logAdminRoleName, account);
const BREAK_GLASS = (account: string) => role(config.principals.breakGlassRoleName, account);
const FORWARDER_WRITER = role(`guardrails-log-writer-forwarder-${HOME}`, SECURITY);
const statementsOf = (policy: PolicyJson): any[] => ([] as any[]).concat(policy.Statement);
const PROTECTED = { 'aws:ResourceTag/guardrails:protected': 'true' };

const stacks = prodStacks(config);
function templateOf(name: string): { stack: Stack; template: any; resolve: (v: unknown) => any } {
  const found = stacks.find(([s]) => s.stackName === name);
  if (!found) throw new Error(`no stack ${name}`);
  return { stack: found[0], template: found[1], resolve: resolver(found[0], found[1]) };
}
const payHome = templateOf(`prod-workload-payments-${HOME}`);
const secLogging = templateOf(`prod-security-logging-${HOME}`);

interface Ask {
  context?: RequestContext;
  scps?: PolicyJson[];
  resourcePolicy?: PolicyJson;
}
/** One request of `principal` (Allow *:*, outside the boundary) on `resource` of `account`, as IAM would decide it. */
function ask(principal: string, action: string, resource: string, account: string, a: Ask = {}) {
  return evaluate({
    identityPolicies: [ALLOW_EVERYTHING],
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
        'aws:RequestedRegion': HOME,
        'aws:SecureTransport': 'true',
        ...a.context,
      },
    },
  });
}
const logGroupArn = (account: string, name: string) => `arn:aws:logs:${HOME}:${account}:log-group:${name}:*`;
/** The ARN form `PutDataProtectionPolicy` and `PutTransformer` authorize (no `:*`; IAM dataset). */
const logGroupArnBare = (account: string, name: string) => `arn:aws:logs:${HOME}:${account}:log-group:${name}`;

const FORWARDER = `arn:aws:lambda:${HOME}:${SECURITY}:function:guardrails-log-forwarder`;
const THROTTLE_ALARM = `arn:aws:cloudwatch:${HOME}:${SECURITY}:alarm:guardrails-log-forwarder-throttled`;
/** The forwarder's code and configuration: what decides what the central store keeps. */
const FORWARDER_REWRITES: Array<[string, string]> = [
  ['lambda:UpdateFunctionCode', 'code of its own (ZipFile): it runs as the forwarder writer role'],
  ['lambda:UpdateFunctionConfiguration', 'CLASSIFICATION_RULES (audit filed as app, 30 days), a layer of its own, or the handler'],
];
/** The suggested fix, as a mutation: the forwarder's code and configuration for the SCP deny-change exemptions only. */
const DENY_CHANGE_EXEMPT = statementsOf(SCPS.find((d) => statementsOf(d).some((s) => s.Sid === 'DenySecurityServiceTampering'))!).find(
  (s) => s.Sid === 'DenySecurityServiceTampering',
).Condition;
const WITH_FORWARDER_FIX: PolicyJson[] = [
  ...SCPS,
  {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyEvidenceForwarderChanges',
        Effect: 'Deny',
        Action: ['lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration', 'lambda:PutFunctionConcurrency'],
        Resource: 'arn:*:lambda:*:*:function:guardrails-log-forwarder',
        Condition: DENY_CHANGE_EXEMPT,
      },
    ],
  },
];

/** The AWS Backup role of the plan (its name is generated by CloudFormation) and the tag it carries. */
const BACKUP_ROLE: string = payHome.resolve({ 'Fn::GetAtt': ['BackupRole4CD139C5', 'Arn'] });

describe('red16 findings', () => {
  // R16-1 MEDIUM (the log admin of the security account, outside the boundary). red14 R14-5 took masking
  // (`logs:PutDataProtectionPolicy`) and transformers (`logs:PutTransformer`) from the log admin because it
  // could rewrite the evidence before the central store kept it for ten years. The central store is written by
  // one function, `guardrails-log-forwarder`, as the writer role `guardrails-log-writer-forwarder-<region>` (the
  // only principal DenyGuardrailLogForgery lets write /guardrails/central/*). The log admin "may change the
  // guardrail functions" (DenyGuardrailResourceChanges exempts it on `function:guardrails-*`), so it:
  //  - `lambda:UpdateFunctionCode` (ZipFile) on guardrails-log-forwarder: its own code then drops, rewrites or
  //    invents any account's audit and security records, with the provenance it likes, as the writer role;
  //    no code signing config is set on the forwarder;
  //  - or `lambda:UpdateFunctionConfiguration` with Environment.CLASSIFICATION_RULES mapping `/guardrails/audit/`
  //    to `app` (30 days' retention instead of 3,653), or a layer of its own (the same as new code);
  //  - or `lambda:PutFunctionConcurrency` 0 with `cloudwatch:DisableAlarmActions` on the new
  //    `guardrails-log-forwarder-throttled` alarm (it administers the alarms too): nothing is forwarded, nobody
  //    is told; the records expire from the streams after their retention.
  // The same goal R14-5 closed, reached one step further down the pipeline, in the security account (every
  // workload account's evidence, not one).
  // Fix: an SCP statement (protect-guardrail-resources or protect-tagged-guardrail-resources) denying
  // `lambda:UpdateFunctionCode`, `lambda:UpdateFunctionConfiguration`, `lambda:PutFunctionConcurrency` (and
  // `lambda:DeleteFunction`, if the log admin's delete is not wanted either) on
  // `function:guardrails-log-forwarder` to all but the deny-change exemptions (deployers, break-glass): about
  // 200 SCP characters with the exemption list, 0 boundary characters (the bounded admin is already held). Cost:
  // the log admin can no longer hot-fix the forwarder; fixes go through the pipeline. Code signing alone does
  // not suffice (configuration and concurrency stay open).
  // FIXED: the apps tag every function of their guardrail stacks guardrails:protected (the forwarder, the
  // rotations, the settings functions), and DenyTaggedGuardrailResourceChanges denies the three actions on
  // tagged functions to all but its administrators: about 95 SCP characters.
  // AWS facts (not verified against AWS here): UpdateFunctionCode needs no iam:PassRole when the role is
  // unchanged; the function runs new code with its existing execution role.
  test.each(FORWARDER_REWRITES)('R16-1 fixed: the log admin of the security account cannot %s on the central forwarder (%s)', async (action) => {
    expect(await ask(LOG_ADMIN(SECURITY), action, FORWARDER, SECURITY, { context: PROTECTED })).toBe('ExplicitlyDenied');
  });
  test('R16-1 fixed: the log admin of the security account cannot stop the forwarder and silence its throttle alarm', async () => {
    const stop = await ask(LOG_ADMIN(SECURITY), 'lambda:PutFunctionConcurrency', FORWARDER, SECURITY, { context: PROTECTED });
    const silence = await ask(LOG_ADMIN(SECURITY), 'cloudwatch:DisableAlarmActions', THROTTLE_ALARM, SECURITY);
    expect([stop, silence]).toContain('ExplicitlyDenied');
  });
  test('R16-1 facts, control and mutation: the forwarder writes the central store as the writer role, classifies from its environment, has no code signing; the log admin may not mask the central groups directly; the outsider is held; the fix holds the log admin and keeps the deployers', async () => {
    const forwarder = Object.values<any>(secLogging.template.Resources).find(
      (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.FunctionName === 'guardrails-log-forwarder',
    );
    expect(forwarder.Properties.CodeSigningConfigArn).toBeUndefined();
    expect(forwarder.Properties.Tags).toContainEqual({ Key: 'guardrails:protected', Value: 'true' });
    // every function of the prod guardrail stacks carries the tag
    for (const [stack, t] of stacks) {
      for (const [id, r] of Object.entries<any>(t.Resources)) {
        if (r.Type !== 'AWS::Lambda::Function') continue;
        expect([stack.stackName, id, (r.Properties.Tags ?? []).some((tag: any) => tag.Key === 'guardrails:protected' && tag.Value === 'true')]).toEqual([
          stack.stackName,
          id,
          true,
        ]);
      }
    }
    expect(secLogging.resolve(forwarder.Properties.Role)).toBe(FORWARDER_WRITER);
    expect(JSON.parse(forwarder.Properties.Environment.Variables.CLASSIFICATION_RULES)).toContainEqual({ p: '/guardrails/audit/', c: 'audit' });
    // the same goal, directly: denied to the log admin (R14-5), allowed to the writer role
    for (const action of ['logs:PutLogEvents', 'logs:PutDataProtectionPolicy', 'logs:PutTransformer']) {
      const arn = action === 'logs:PutLogEvents' ? logGroupArn(SECURITY, '/guardrails/central/audit') : logGroupArnBare(SECURITY, '/guardrails/central/audit');
      expect([action, await ask(LOG_ADMIN(SECURITY), action, arn, SECURITY)]).toEqual([action, 'ExplicitlyDenied']);
    }
    expect(await ask(FORWARDER_WRITER, 'logs:PutLogEvents', logGroupArn(SECURITY, '/guardrails/central/audit'), SECURITY)).toBe('Allowed');
    // mutation: without the Lambda actions of the tag statement the log admin rewrites the forwarder again; the
    // outsider is held either way
    const unfixed = SCPS.map((d) => ({
      ...d,
      Statement: statementsOf(d).map((st) =>
        st.Sid === 'DenyTaggedGuardrailResourceChanges' ? { ...st, Action: st.Action.filter((a: string) => !/^lambda:(Update|Put)Function/.test(a)) } : st,
      ),
    }));
    for (const [action] of FORWARDER_REWRITES) {
      expect([action, await ask(LOG_ADMIN(SECURITY), action, FORWARDER, SECURITY, { context: PROTECTED, scps: unfixed })]).toEqual([action, 'Allowed']);
      expect([action, await ask(EXEC(SECURITY), action, FORWARDER, SECURITY, { context: PROTECTED })]).toEqual([action, 'Allowed']);
      expect([action, await ask(OUTSIDER(SECURITY), action, FORWARDER, SECURITY)]).toEqual([action, 'ExplicitlyDenied']);
    }
    expect(await ask(LOG_ADMIN(SECURITY), 'cloudwatch:DisableAlarmActions', THROTTLE_ALARM, SECURITY)).toBe('Allowed');
    // the fix as a mutation: the log admin is held, the deployers and break-glass keep deploying
    for (const action of ['lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration', 'lambda:PutFunctionConcurrency']) {
      expect([action, await ask(LOG_ADMIN(SECURITY), action, FORWARDER, SECURITY, { scps: WITH_FORWARDER_FIX })]).toEqual([action, 'ExplicitlyDenied']);
      expect([action, await ask(EXEC(SECURITY), action, FORWARDER, SECURITY, { scps: WITH_FORWARDER_FIX })]).toEqual([action, 'Allowed']);
      expect([action, await ask(BREAK_GLASS(SECURITY), action, FORWARDER, SECURITY, { scps: WITH_FORWARDER_FIX })]).toEqual([action, 'Allowed']);
    }
    // the log admin keeps the rest of its job on the forwarder (logs, retention of its own group)
    expect(await ask(LOG_ADMIN(SECURITY), 'lambda:GetFunction', FORWARDER, SECURITY, { scps: WITH_FORWARDER_FIX })).toBe('Allowed');
  });

  // R16-2 LOW-MEDIUM (the log admin of a workload account). The log admin may not remove the subscription
  // that ships /guardrails/audit/cloudtrail and /guardrails/security/events (`logs:DeleteSubscriptionFilter`,
  // DenySecurityServiceTampering: "not the log admin"), but it may delete the group (DenyGuardrailResourceChanges
  // exempts it), and a subscription filter is deleted with its group. `logs:CreateLogGroup` of the same name (also
  // its own) gives CloudTrail its target back; the new group has no subscription: the account's audit and
  // security classes stop reaching the central store, silently (an idle stream raises no delay alarm); the trail's
  // S3 copy remains. Documented as an ability of the log admin ("delete or shorten a guardrail log group"), but it
  // undoes the subscription rule the same document gives it.
  // Fix: `logs:DeleteLogGroup` in DenyGuardrailLogForgery (writer-only groups; the writer roles never delete):
  // +20 SCP characters. Cost: the deployers cannot delete these groups either (they are retained on stack
  // deletion; a deliberate removal goes through break-glass... which the statement does not exempt: exempt it or
  // take it into a statement of the deny-change exemptions instead, about 150 characters).
  // AWS fact (not verified here): deleting a log group deletes its subscription filters.
  test.failing.each(['/guardrails/audit/cloudtrail', '/guardrails/security/events'])(
    'R16-2: the log admin of a workload account cannot cut the shipping of %s by deleting the group',
    async (group) => {
      expect(await ask(LOG_ADMIN(PAYMENTS), 'logs:DeleteLogGroup', logGroupArn(PAYMENTS, group), PAYMENTS)).toBe('ExplicitlyDenied');
    },
  );
  test('R16-2 facts: the subscription itself is denied to the log admin, the group (and with it the subscription) is not; the outsider is held', async () => {
    const arn = logGroupArn(PAYMENTS, '/guardrails/audit/cloudtrail');
    expect(await ask(LOG_ADMIN(PAYMENTS), 'logs:DeleteSubscriptionFilter', arn, PAYMENTS)).toBe('ExplicitlyDenied');
    expect(await ask(LOG_ADMIN(PAYMENTS), 'logs:PutSubscriptionFilter', arn, PAYMENTS)).toBe('ExplicitlyDenied');
    expect(await ask(LOG_ADMIN(PAYMENTS), 'logs:DeleteLogGroup', arn, PAYMENTS)).toBe('Allowed');
    expect(await ask(LOG_ADMIN(PAYMENTS), 'logs:CreateLogGroup', arn, PAYMENTS)).toBe('Allowed');
    expect(await ask(OUTSIDER(PAYMENTS), 'logs:DeleteLogGroup', arn, PAYMENTS)).toBe('ExplicitlyDenied');
    const fixed = SCPS.map((d) => ({
      ...d,
      Statement: statementsOf(d).map((s) => (s.Sid === 'DenyGuardrailLogForgery' ? { ...s, Action: [...s.Action, 'logs:DeleteLogGroup'] } : s)),
    }));
    expect(await ask(LOG_ADMIN(PAYMENTS), 'logs:DeleteLogGroup', arn, PAYMENTS, { scps: fixed })).toBe('ExplicitlyDenied');
    expect(await ask(LOG_ADMIN(PAYMENTS), 'logs:PutRetentionPolicy', arn, PAYMENTS, { scps: fixed })).toBe('Allowed');
  });

  // R16-3 LOW-MEDIUM, a legitimate flow denied (an operator restoring the data bucket: the IAM Identity Center
  // administrator that test-integration/README.md and docs/disaster-recovery.md assume). The restore passes the
  // plan's backup role (`backup start-restore-job --iam-role-arn <the role list-backup-selections shows>`;
  // test-integration README: the restore "adds iam:PassRole on the plan's backup role"). That role is tagged
  // guardrails:protected, and since R14-1 `DenyTaggedGuardrailResourceChanges` denies `iam:PassRole` on it to all
  // but the execution roles, the StackSet and Control Tower roles and break-glass: the documented restore, and
  // the opt-in restore integration test, now fail with an SCP deny for the operator, found on the day it is
  // needed. Nothing in the runbook says to restore as break-glass.
  // Fix (cheapest, 0 characters): docs/disaster-recovery.md and test-integration/README.md say the restore runs as
  // break-glass (or an execution role). Alternative: exempt passing to AWS Backup,
  // `StringNotEqualsIfExists: { 'iam:PassedToService': 'backup.amazonaws.com' }` on the statement (about 70
  // characters): a tagged role is only usable by a service it trusts, and only the backup role trusts AWS Backup;
  // an outsider could then start backups and restores with it, which it can already do with a role of its own.
  // AWS fact (checked in the dataset): iam:PassRole authorizes the role with aws:ResourceTag. Not verified: that
  // StartRestoreJob checks PassRole on IamRoleArn (the AWS Backup guide lists it as required).
  // DECIDED (docs, 0 characters): restores run as break-glass or through an execution role; the runbook
  // (docs/disaster-recovery.md) and the integration test README say so. The alternative exemption was not taken: it
  // would hand the guardrail backup role (which reads the data bucket) to any administrator's backup or restore job.
  test('R16-3 decided: the operator outside the exemptions may not pass the plan backup role; break-glass may, and the runbook says to restore as break-glass', async () => {
    const toBackup = { ...PROTECTED, 'iam:PassedToService': 'backup.amazonaws.com' };
    expect(await ask(OUTSIDER(PAYMENTS), 'iam:PassRole', BACKUP_ROLE, PAYMENTS, { context: toBackup })).toBe('ExplicitlyDenied');
    expect(await ask(BREAK_GLASS(PAYMENTS), 'iam:PassRole', BACKUP_ROLE, PAYMENTS, { context: toBackup })).toBe('Allowed');
    const runbook = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'disaster-recovery.md'), 'utf8');
    expect(runbook).toMatch(/Run it as break-glass[^.]*: the plan's\s+backup role is tagged `guardrails:protected`/);
  });

  test('R16-3 facts and control: the backup role is tagged; break-glass and the execution role may pass it; the alternative fix lets the operator pass it to AWS Backup only', async () => {
    const tags = payHome.template.Resources.BackupRole4CD139C5.Properties.Tags;
    expect(tags).toContainEqual({ Key: 'guardrails:protected', Value: 'true' });
    const context = { ...PROTECTED, 'iam:PassedToService': 'backup.amazonaws.com' };
    expect(await ask(OUTSIDER(PAYMENTS), 'iam:PassRole', BACKUP_ROLE, PAYMENTS, { context })).toBe('ExplicitlyDenied');
    expect(await ask(BREAK_GLASS(PAYMENTS), 'iam:PassRole', BACKUP_ROLE, PAYMENTS, { context })).toBe('Allowed');
    expect(await ask(EXEC(PAYMENTS), 'iam:PassRole', BACKUP_ROLE, PAYMENTS, { context })).toBe('Allowed');
    const alternative = SCPS.map((d) => ({
      ...d,
      Statement: statementsOf(d).map((s) =>
        s.Sid === 'DenyTaggedGuardrailResourceChanges'
          ? { ...s, Condition: { ...s.Condition, StringNotEqualsIfExists: { 'iam:PassedToService': 'backup.amazonaws.com' } } }
          : s,
      ),
    }));
    expect(await ask(OUTSIDER(PAYMENTS), 'iam:PassRole', BACKUP_ROLE, PAYMENTS, { context, scps: alternative })).toBe('Allowed');
    // ...but not to another service, and the rest of the statement holds
    const toLambda = { ...PROTECTED, 'iam:PassedToService': 'lambda.amazonaws.com' };
    expect(await ask(OUTSIDER(PAYMENTS), 'iam:PassRole', BACKUP_ROLE, PAYMENTS, { context: toLambda, scps: alternative })).toBe('ExplicitlyDenied');
    expect(await ask(OUTSIDER(PAYMENTS), 'iam:UpdateAssumeRolePolicy', BACKUP_ROLE, PAYMENTS, { context: PROTECTED, scps: alternative })).toBe(
      'ExplicitlyDenied',
    );
  });

  // R16-4 MEDIUM-LOW (an outsider or the log admin of a workload account). R14-3 protected the guardrail backups by
  // the plan's and vault's tag and took `backup:UpdateRegionSettings`; the same goal, no new recovery point, is
  // reached by stopping the plan's job each day: `backup:StopBackupJob` authorizes no resource (IAM dataset), no
  // SCP names it, and the app watches no backup job (no alarm, no capture rule on AWS Backup events). The daily
  // 05:00 job is stopped as it starts; the existing recovery points expire after `backup.retentionDays` (35 in
  // prod) and then the data bucket has no backup at all; the only trace is the audit class (CloudTrail).
  // Fix: `backup:StopBackupJob` in DenySecurityServiceTampering (Resource "*", as UpdateRegionSettings: +23 SCP
  // characters); cost: only the deny-change exemptions stop any backup job of the account (a team's own too).
  // Or detect: an EventBridge rule on AWS Backup "Backup Job State Change" (ABORTED, FAILED, EXPIRED) into the
  // security class, about one rule per stack.
  // AWS facts (not verified here): StopBackupJob is supported for S3 backup jobs (the API reference lists the
  // resource types it does not support); a stopped job's state is ABORTED.
  // FIXED: `backup:StopBackupJob` in DenySecurityServiceTampering (SECURITY_FINDING_TAMPER_ACTIONS).
  test('R16-4 fixed: an outsider of a workload account cannot stop the guardrail backup jobs', async () => {
    expect(await ask(OUTSIDER(PAYMENTS), 'backup:StopBackupJob', '*', PAYMENTS)).toBe('ExplicitlyDenied');
  });
  test('R16-4 facts, control and mutation: the region setting and the job stop are denied (also to the log admin); without the stop in the statement it is allowed; the deployers keep both', async () => {
    expect(await ask(OUTSIDER(PAYMENTS), 'backup:UpdateRegionSettings', '*', PAYMENTS)).toBe('ExplicitlyDenied');
    expect(await ask(LOG_ADMIN(PAYMENTS), 'backup:StopBackupJob', '*', PAYMENTS)).toBe('ExplicitlyDenied');
    const unfixed = SCPS.map((d) => ({
      ...d,
      Statement: statementsOf(d).map((st) =>
        st.Sid === 'DenySecurityServiceTampering' ? { ...st, Action: st.Action.filter((a: string) => a !== 'backup:StopBackupJob') } : st,
      ),
    }));
    expect(await ask(LOG_ADMIN(PAYMENTS), 'backup:StopBackupJob', '*', PAYMENTS, { scps: unfixed })).toBe('Allowed');
    expect(config.backup.retentionDays).toBe(35);
    const watchesBackups = stacks.some(([, t]) => JSON.stringify(t.Resources).includes('aws.backup'));
    expect(watchesBackups).toBe(false);
    const fixed = SCPS.map((d) => ({
      ...d,
      Statement: statementsOf(d).map((s) => (s.Sid === 'DenySecurityServiceTampering' ? { ...s, Action: [...s.Action, 'backup:StopBackupJob'] } : s)),
    }));
    expect(await ask(OUTSIDER(PAYMENTS), 'backup:StopBackupJob', '*', PAYMENTS, { scps: fixed })).toBe('ExplicitlyDenied');
    expect(await ask(LOG_ADMIN(PAYMENTS), 'backup:StopBackupJob', '*', PAYMENTS, { scps: fixed })).toBe('ExplicitlyDenied');
    expect(await ask(EXEC(PAYMENTS), 'backup:StopBackupJob', '*', PAYMENTS, { scps: fixed })).toBe('Allowed');
    expect(await ask(BREAK_GLASS(PAYMENTS), 'backup:StopBackupJob', '*', PAYMENTS, { scps: fixed })).toBe('Allowed');
  });

  describe('checked and closed', () => {
    test('tag games on a tagged role: re-tagging under another case of the key, another tag, untagging: denied (by the tag statement or the protected-key statement)', async () => {
      for (const [action, context] of [
        [
          'iam:TagRole',
          { 'aws:ResourceTag/Guardrails:Protected': 'true', 'aws:TagKeys': ['Guardrails:Protected'], 'aws:RequestTag/Guardrails:Protected': 'false' },
        ],
        ['iam:TagRole', { ...PROTECTED, 'aws:TagKeys': ['owner'], 'aws:RequestTag/owner': 'me' }],
        ['iam:UntagRole', { ...PROTECTED, 'aws:TagKeys': ['guardrails:protected'] }],
      ] as Array<[string, RequestContext]>) {
        expect([action, await ask(OUTSIDER(PAYMENTS), action, BACKUP_ROLE, PAYMENTS, { context })]).toEqual([action, 'ExplicitlyDenied']);
        expect([action, await ask(LOG_ADMIN(PAYMENTS), action, BACKUP_ROLE, PAYMENTS, { context })]).toEqual([action, 'ExplicitlyDenied']);
      }
    });
    test('a role at a path that looks like a writer name (role/guardrails-log-writer-x/evil, matched by the exemption pattern) cannot be created, nor the path-less one', async () => {
      for (const name of ['guardrails-log-writer-x/evil', `guardrails-log-writer-forwarder-${HOME}`]) {
        expect([name, await ask(OUTSIDER(SECURITY), 'iam:CreateRole', role(name, SECURITY), SECURITY)]).toEqual([name, 'ExplicitlyDenied']);
        expect([name, await ask(LOG_ADMIN(SECURITY), 'iam:CreateRole', role(name, SECURITY), SECURITY)]).toEqual([name, 'ExplicitlyDenied']);
      }
    });
    test('masking and transformers: denied in the ARN form those actions authorize (log-group:<name>, no ":*"), on every writer-only prefix', async () => {
      for (const group of ['/guardrails/audit/cloudtrail', '/guardrails/security/events', '/guardrails/lambda/rotate-token', '/guardrails/central/audit']) {
        const account = group.startsWith('/guardrails/central/') ? SECURITY : PAYMENTS;
        for (const action of ['logs:PutDataProtectionPolicy', 'logs:PutTransformer']) {
          expect([group, action, await ask(LOG_ADMIN(account), action, logGroupArnBare(account, group), account)]).toEqual([group, action, 'ExplicitlyDenied']);
          expect([group, action, await ask(OUTSIDER(account), action, logGroupArnBare(account, group), account)]).toEqual([group, action, 'ExplicitlyDenied']);
        }
      }
    });
    test('the Logs resource policies (account-level, and log-group-level with resourceArn: the same resourceless action) and account policies are denied to the log admin and the outsider', async () => {
      for (const action of ['logs:PutResourcePolicy', 'logs:DeleteResourcePolicy', 'logs:PutAccountPolicy', 'backup:UpdateRegionSettings']) {
        for (const who of [LOG_ADMIN(PAYMENTS), OUTSIDER(PAYMENTS)]) {
          expect([action, await ask(who, action, '*', PAYMENTS)]).toEqual([action, 'ExplicitlyDenied']);
        }
      }
    });
    test('the backups: passing the backup role into a selection or job of one own is denied; the recovery points are held by the vault policy; the vault lock cannot be removed', async () => {
      const vault = payHome.template.Resources.BackupVaultADF21B19.Properties;
      const point = `arn:aws:backup:${HOME}:${PAYMENTS}:recovery-point:1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d`;
      for (const action of ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle']) {
        expect([action, await ask(LOG_ADMIN(PAYMENTS), action, point, PAYMENTS, { resourcePolicy: vault.AccessPolicy })]).toEqual([action, 'ExplicitlyDenied']);
      }
      const vaultArn = `arn:aws:backup:${HOME}:${PAYMENTS}:backup-vault:prod-guardrails`;
      for (const action of ['backup:DeleteBackupVaultLockConfiguration', 'backup:PutBackupVaultLockConfiguration', 'backup:DeleteBackupVaultNotifications']) {
        expect([action, await ask(OUTSIDER(PAYMENTS), action, vaultArn, PAYMENTS, { context: PROTECTED })]).toEqual([action, 'ExplicitlyDenied']);
      }
      expect(
        await ask(OUTSIDER(PAYMENTS), 'iam:PassRole', BACKUP_ROLE, PAYMENTS, { context: { ...PROTECTED, 'iam:PassedToService': 'backup.amazonaws.com' } }),
      ).toBe('ExplicitlyDenied');
    });
    test('the throttle alarm: the outsider cannot delete, disable, re-define or silence it, nor stop the forwarder it watches', async () => {
      for (const action of ['cloudwatch:DeleteAlarms', 'cloudwatch:DisableAlarmActions', 'cloudwatch:PutMetricAlarm', 'cloudwatch:SetAlarmState']) {
        expect([action, await ask(OUTSIDER(SECURITY), action, THROTTLE_ALARM, SECURITY)]).toEqual([action, 'ExplicitlyDenied']);
      }
      expect(await ask(OUTSIDER(SECURITY), 'lambda:PutFunctionConcurrency', FORWARDER, SECURITY)).toBe('ExplicitlyDenied');
    });
    test('the deployers keep their job: the execution role passes and changes the tagged roles and the backups; the trail readers are not held by the tag statement for sts:AssumeRole', async () => {
      for (const action of ['iam:PassRole', 'iam:PutRolePolicy', 'iam:TagRole']) {
        expect([action, await ask(EXEC(PAYMENTS), action, BACKUP_ROLE, PAYMENTS, { context: PROTECTED })]).toEqual([action, 'Allowed']);
      }
      const tagStatement = SCPS.flatMap(statementsOf).find((s) => s.Sid === 'DenyTaggedGuardrailResourceChanges');
      expect(JSON.stringify(tagStatement.Action)).not.toMatch(/sts:|iam:\*/);
    });
  });
});
