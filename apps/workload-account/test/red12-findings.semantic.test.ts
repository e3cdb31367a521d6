/**
 * RED-TEAM red12 FINDINGS (helper red12): an attack on adb600d "red10 R10-3 fixed" (with boundedRolePath
 * the boundary's DenyStackRolesOutsidePath denies `cloudformation:*teStack*`, CreateChangeSet and
 * RollbackStack unless `cloudformation:RoleArn` is a role of the account under the path; room made with
 * action patterns, exact ARNs in any partition and the Security Hub tamper denies left out when no Allow
 * names Security Hub) and 3e7e3fb (protectGuardrailPrincipals requires cdkBootstrapQualifier).
 * Each `test.failing` is a hole still open (or a legitimate flow wrongly denied): it asserts what should
 * hold and fails today, so the suite stays green while it is open; when a fix lands, turn it into a
 * plain `test`. The plain tests pin the paths checked and found closed, and the facts the findings rest
 * on. Library-level findings are in packages/iam-least-privilege/test/identities/red12-findings.semantic.test.ts.
 *
 * Evaluated like red10-findings.semantic.test.ts: prod synthesized, every generated SCP with
 * FullAWSAccess; the bounded admin has `Allow *:*` inside GuardrailsPermissionsBoundary (ledger's, the
 * largest: 6,112 of 6,144 characters); principals outside the boundary have `Allow *:*`, so the SCPs
 * are all that holds them. "The other app" is R10-3's: an app of the ledger account deployed through a
 * CDK bootstrap of its own (here CDK's default qualifier), whose execution role is AdministratorAccess
 * without the boundary.
 *
 * Verified offline (not against AWS): the CDK CLI this repo ships (node_modules/aws-cdk, read by the tests
 * below) skips uploading a file asset whose object key already exists in the bucket, and deletes a stack
 * that failed creation, or a REVIEW_IN_PROGRESS stack it created for a diff, without a RoleARN.
 * Assumptions (not verified against AWS) are named at each finding.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@cdk-guardrails/config';
import { PolicySizeLimit } from '@cdk-guardrails/facts';
import { PolicyJson } from '@cdk-guardrails/policy-test-kit';
import { accountBoundaryOf, evaluateAsBounded, evaluateUnderScps, prodStacks, RequestContext, withoutStatement } from './support/prod-templates';
import { CONFIG_DIR, HOME, LEDGER, SECURITY, PROD as config, PROD_SCPS as SCPS } from './support/prod-fixture';

jest.setTimeout(300_000);

const PAYMENTS = config.workloadAccounts.find((a) => a.name === 'payments')!.accountId;
const QUALIFIER = config.principals.cdkQualifier;
const role = (name: string, account = LEDGER) => `arn:aws:iam::${account}:role/${name}`;
const ADMIN = role('bounded/workload-admin');
const cdk = (kind: string, account: string, region: string, qualifier = QUALIFIER) => role(`cdk-${qualifier}-${kind}-role-${account}-${region}`, account);
const ID = '1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d';

const stacks = prodStacks(config);
const BOUNDARY: PolicyJson = accountBoundaryOf(stacks, `prod-workload-ledger-${HOME}`);
const statementsOf = (policy: PolicyJson): any[] => ([] as any[]).concat(policy.Statement);
const sizeOf = (policy: PolicyJson) => PolicySizeLimit.IAM_MANAGED_POLICY.upperBoundOf(policy, { region: HOME });

const underScps = (principal: string, action: string, resource: string, region: string, context: RequestContext = {}) =>
  evaluateUnderScps(SCPS, principal, action, resource, region, context, principal.split(':')[4]);
const asBoundedAdmin = (action: string, resource: string, context: RequestContext = {}, boundary = BOUNDARY) =>
  evaluateAsBounded(boundary, SCPS, ADMIN, action, resource, HOME, context, LEDGER);
/** The bounded admin against the boundary alone (FullAWSAccess as the only SCP): what the boundary itself decides. */
const boundaryAlone = (action: string, resource: string, context: RequestContext = {}, boundary = BOUNDARY) =>
  evaluateAsBounded(boundary, [SCPS[0]], ADMIN, action, resource, HOME, context, LEDGER);

/** The other app (R10-3's): its stack, its execution role and its bootstrap bucket (CDK's default qualifier). */
const TEAM_STACK = `arn:aws:cloudformation:${HOME}:${LEDGER}:stack/team-app/${ID}`;
const TEAM_EXEC = cdk('cfn-exec', LEDGER, HOME, 'hnb659fds');
const TEAM_DEPLOY = cdk('deploy', LEDGER, HOME, 'hnb659fds');
const TEAM_ASSETS = `cdk-hnb659fds-assets-${LEDGER}-${HOME}`;
/** A stack of a bounded team, deployed with a bounded service role (`cdk deploy --role-arn`). */
const BOUNDED_TEAM_STACK = `arn:aws:cloudformation:${HOME}:${LEDGER}:stack/orders-app/${ID}`;
const BOUNDED_DEPLOYER = role('bounded/orders-deployer');
const GUARDRAIL_STACK = `arn:aws:cloudformation:${HOME}:${LEDGER}:stack/prod-workload-ledger-${HOME}/${ID}`;
/** A self-managed StackSet administered from the ledger account (another team's; its administration role unbounded). */
const TEAM_STACK_SET = `arn:aws:cloudformation:${HOME}:${LEDGER}:stackset/team-set:${ID}`;
/** An upload as an SCP requiring SSE-KMS with a key of the account would want it (harmless if none does). */
const SSE_KMS = {
  's3:ResourceAccount': LEDGER,
  's3:x-amz-server-side-encryption': 'aws:kms',
  's3:x-amz-server-side-encryption-aws-kms-key-id': `arn:aws:kms:${HOME}:${LEDGER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
};

/** The CDK CLI's bundle (the version this repo installs). */
const cdkCli = () => readFileSync(join(require.resolve('aws-cdk/package.json'), '..', 'lib', 'index.js'), 'utf8');

describe('red12 findings (attack on the R10-3 fix)', () => {
  // R12-1 MEDIUM (R10-3's impact through the other app's asset bucket). Path: the boundary's
  // AllowS3OnAllowedAccountBuckets grants s3:* on every bucket of the account; the SCPs protect the CDK
  // bootstrap assets of the config's qualifier only (`cdk-grdprod-assets-*`, protectGuardrailResources),
  // and DenyStackRolesOutsidePath only looks at the bounded admin's own stack calls. The other app's
  // bucket `cdk-<its qualifier>-assets-<account>-<region>` (the bounded admin finds it with the allowed
  // s3:ListAllMyBuckets) holds the templates its deploy role hands to CloudFormation (CDK passes
  // TemplateURL) and its nested stack templates. A template asset's key is the SHA-256 of the
  // synthesized template: the bounded admin synthesizes the other app's next version (its source, a
  // pending change), puts a template of its choosing under that key, and the CDK CLI's publishing step
  // finds the key and skips the upload (verified in node_modules/aws-cdk below). The other app's
  // pipeline then deploys the attacker's template with its unbounded execution role: a role without
  // the boundary outside the path, as R10-3. Variant without predicting a hash (assumption, not
  // verified: CloudFormation re-reads an unchanged nested stack TemplateURL at every parent update):
  // overwrite the object of one of the other app's nested stacks. Assumptions: the other app's bucket
  // policy is CDK's (it refuses only non-TLS requests); its objects' keys are the asset hashes.
  // Fix (boundary, about 28 characters: prod 6,112 -> 6,140, measured below): add
  // `arn:*:s3:::cdk-*-assets-*` to the Resource of DenyGuardrailResourceChanges, whose NotAction keeps
  // no S3 action, so bounded identities neither write nor read any CDK bootstrap's assets (they cannot
  // use a bootstrap's publishing and deploy roles under boundedRolePath anyway). Or, 0 characters:
  // require (docs/operations.md "Bootstrap other apps", today "good practice") that every other app's
  // bootstrap in a bounded account uses `--custom-permissions-boundary GuardrailsPermissionsBoundary`:
  // then whatever template runs, runs inside the boundary (this closes R10-3's class too). Or an SCP
  // protecting `cdk-*-assets-*` but for the publishing and deploy roles of any qualifier.
  const TEMPLATE_OBJECT = `arn:aws:s3:::${TEAM_ASSETS}/4f8e2c0b9a7d6e5f4c3b2a1908f7e6d5c4b3a29180f7e6d5c4b3a2918f7e6d5c.json`;
  // FIXED as suggested: DenyGuardrailResourceChanges names the CDK buckets (`arn:*:s3:::cdk-*-assets-*`,
  // since red13 R13-2 `arn:*:s3:::cdk-*`; room made with exact-expansion action patterns; prod 6,112 of
  // 6,144 with red13's s3:GetObject kept).
  test("R12-1 fixed: the bounded admin cannot put an object into the other app's CDK asset bucket (its next template); reading one stays allowed (red13 R13-5)", async () => {
    expect(await asBoundedAdmin('s3:PutObject', TEMPLATE_OBJECT, SSE_KMS)).toBe('ExplicitlyDenied');
    expect(await asBoundedAdmin('s3:GetObject', TEMPLATE_OBJECT, { 's3:ResourceAccount': LEDGER })).toBe('Allowed');
    // Mutation: without the statement the write goes through.
    expect(await asBoundedAdmin('s3:PutObject', TEMPLATE_OBJECT, SSE_KMS, withoutStatement(BOUNDARY, 'DenyGuardrailResourceChanges'))).toBe('Allowed');
    // Control: the workload's own buckets.
    expect(await asBoundedAdmin('s3:PutObject', 'arn:aws:s3:::orders-data/x.json', SSE_KMS)).toBe('Allowed');
  });
  test("R12-1 facts: the config qualifier's bucket is protected by the SCP too; the other app deploys what the bucket holds as its unbounded execution role", async () => {
    expect(await asBoundedAdmin('s3:ListAllMyBuckets', '*')).toBe('Allowed');
    // the guardrails' own bootstrap bucket is protected (SCP), by name only
    expect(await asBoundedAdmin('s3:PutObject', `arn:aws:s3:::cdk-${QUALIFIER}-assets-${LEDGER}-${HOME}/x.json`, SSE_KMS)).toBe('ExplicitlyDenied');
    // the other app's deployer names its execution role, which may create an unbounded admin under the SCPs
    expect(await underScps(TEAM_DEPLOY, 'cloudformation:CreateChangeSet', TEAM_STACK, HOME, { 'cloudformation:RoleArn': TEAM_EXEC })).toBe('Allowed');
    expect(await underScps(TEAM_DEPLOY, 'iam:PassRole', TEAM_EXEC, HOME)).toBe('Allowed');
    expect(await underScps(TEAM_EXEC, 'iam:CreateRole', role('escape-admin'), HOME)).toBe('Allowed');
    // the CDK CLI hands CloudFormation the template asset's URL, and skips a file asset whose key exists
    // (cdk-assets' objectExists before the upload)
    expect(cdkCli()).toContain('if (stack.stackTemplateAssetObjectUrl && !overrideTemplate) {');
    expect(cdkCli()).toMatch(/if \(!options\.force && await objectExists\(s3, destination\.bucketName, destination\.objectKey\)\) \{/);
  });
  // R12-2 LOW (legitimate flow denied; documentation). Path: DenyStackRolesOutsidePath denies every
  // DeleteStack without a RoleArn, and the CDK CLI (node_modules/aws-cdk 2.1148.x, read below) sends
  // some without one even under `cdk deploy --role-arn`: the re-deploy of a stack whose creation failed
  // ("Found existing stack ... that had previously failed creation. Deleting it"), the cleanup of the
  // REVIEW_IN_PROGRESS stack that `cdk diff` (change-set diff) or a validation change set creates for a
  // new stack, and the cleanup after `--method=prepare-change-set`. A bounded team following the README
  // (`cdk deploy --role-arn arn:aws:iam::<account>:role/bounded/<name>`) is stuck after a first failed
  // create until it runs `aws cloudformation delete-stack --role-arn ...` itself; the diff cleanup
  // leaves an empty REVIEW_IN_PROGRESS stack behind. The boundary cannot tell these from R10-3 (no key
  // says which role a stack already has), so: document it in the iam README ("Stack operations name a
  // bounded role") and operations.md. 0 characters.
  // FIXED (documented): iam README "The CDK CLI sometimes deletes without --role-arn", operations.md.
  test('R12-2 fixed: the iam README tells bounded teams that the CDK CLI deletes a failed or review stack without their --role-arn', () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', 'packages', 'iam-least-privilege', 'README.md'), 'utf8');
    expect(readme).toMatch(/failed creation|REVIEW_IN_PROGRESS|ROLLBACK_COMPLETE/);
  });
  test("R12-2 facts: the bounded team's own stack cannot be deleted without a role, only with its bounded role; the CDK CLI sends none there", async () => {
    expect(await asBoundedAdmin('cloudformation:DeleteStack', BOUNDED_TEAM_STACK)).toBe('ExplicitlyDenied');
    expect(await asBoundedAdmin('cloudformation:DeleteStack', BOUNDED_TEAM_STACK, { 'cloudformation:RoleArn': BOUNDED_DEPLOYER })).toBe('Allowed');
    expect(await asBoundedAdmin('cloudformation:CreateChangeSet', BOUNDED_TEAM_STACK, { 'cloudformation:RoleArn': BOUNDED_DEPLOYER })).toBe('Allowed');
    const cli = cdkCli();
    expect(cli).toContain('await cfn.deleteStack({ StackName: cloudFormationStack.stackId, ClientRequestToken:');
    expect(cli).toMatch(/Deleting empty stack created by diff changeset[^]{0,200}deleteStack\(\{\s*StackName: stackId,\s*ClientRequestToken/);
    // `cdk destroy` does pass it
    expect(cli).toContain('deleteStack({ StackName: currentStack.stackId, RoleARN: options.roleArn,');
  });

  // R12-4 LOW (hardening; StackSets administered from a bounded account). Path: ImportStacksToStackSet is
  // not in STACK_SERVICE_ROLE_ACTIONS (`*teStack*` does not match it; it carries no RoleArn) and its only
  // resource is the StackSet (Service Authorization Reference), so neither DenyStackRolesOutsidePath nor
  // DenyGuardrailResourceChanges (which names the guardrail stacks) sees it. In an account that
  // administers a self-managed StackSet (administration role AWSCloudFormationStackSetAdministrationRole,
  // unbounded, at /), the bounded admin imports any stack of the account into it, the guardrail stack
  // included: the import runs as the StackSet's administration and execution roles, and from then on
  // the StackSet's next update (by its owners) rewrites that stack with the StackSet's template, as the
  // StackSet execution role the SCPs exempt. Assumptions (not verified): the import needs no permission
  // on the imported stack; an imported stack is rewritten by the StackSet's next operation. The SCPs'
  // DenyStackSetAdministration covers it only in the delegated administrator. Fix: add
  // `cloudformation:I*` (ImportStacksToStackSet only in the dataset; pin it in perms.test.ts) to
  // STACK_SERVICE_ROLE_ACTIONS, about 20 characters (6,112 -> 6,132; with R12-1's 28 it does not fit:
  // 6,160), or deny it in every governed account in the SCP (0 boundary characters).
  // FIXED as suggested: `cloudformation:I*` in STACK_SERVICE_ROLE_ACTIONS (pinned in perms.test.ts).
  test("R12-4 fixed: the bounded admin cannot import the account's stacks into a StackSet", async () => {
    expect(await asBoundedAdmin('cloudformation:ImportStacksToStackSet', TEAM_STACK_SET)).toBe('ExplicitlyDenied');
    expect(await asBoundedAdmin('cloudformation:ImportStacksToStackSet', TEAM_STACK_SET, {}, withoutStatement(BOUNDARY, 'DenyStackRolesOutsidePath'))).toBe(
      'Allowed',
    );
  });
  test('R12-4 facts: every other StackSet write without a bounded role is denied', async () => {
    for (const action of [
      'cloudformation:UpdateStackSet',
      'cloudformation:CreateStackInstances',
      'cloudformation:UpdateStackInstances',
      'cloudformation:DeleteStackSet',
    ]) {
      expect([action, await asBoundedAdmin(action, TEAM_STACK_SET)]).toEqual([action, 'ExplicitlyDenied']);
    }
    // the guardrail stack itself is protected by name, but the import's resource is the StackSet
    expect(await asBoundedAdmin('cloudformation:UpdateStack', GUARDRAIL_STACK, { 'cloudformation:RoleArn': BOUNDED_DEPLOYER })).toBe('ExplicitlyDenied');
  });

  // R12-5 LOW (hardening; closed today on an assumption about CloudFormation). Path:
  // DenyStackRolesOutsidePath tests `cloudformation:RoleArn` with ArnNotLike. For a value that is not an
  // ARN (a bare role name such as `cdk-hnb659fds-cfn-exec-role-<account>-<region>`, 20 characters and
  // more as the API's RoleARN requires), the evaluator (iam-simulate: an ARN operator on a malformed
  // ARN matches neither way) finds ArnNotLike false, so the Deny does not apply; IAM's documentation does
  // not say what a negated ARN operator does with a malformed value. It holds if CloudFormation refuses
  // a RoleARN that is not an ARN before it looks the role up (not verified offline; its API reference
  // gives only a length). Fix: StringNotLike with the same pattern (true for anything that is not a role
  // of the path, malformed values included), 3 characters (6,112 -> 6,115, measured below).
  // FIXED as suggested: StringNotLike.
  test('R12-5 fixed: a RoleArn that is not an ARN is denied like any role outside the path', async () => {
    for (const roleArn of [`cdk-hnb659fds-cfn-exec-role-${LEDGER}-${HOME}`, 'bounded/deployer']) {
      expect([roleArn, await asBoundedAdmin('cloudformation:UpdateStack', TEAM_STACK, { 'cloudformation:RoleArn': roleArn })]).toEqual([
        roleArn,
        'ExplicitlyDenied',
      ]);
    }
  });
  describe('checked and closed: the fix holds against these paths', () => {
    test('the boundary of every account of dev, staging and prod fits in 6,144 characters (prod ledger and payments are the largest, 32 to spare)', () => {
      const sizes: Record<string, number> = {};
      for (const env of ['dev', 'staging', 'prod']) {
        const envStacks = env === 'prod' ? stacks : prodStacks(loadConfig(env, { configDir: CONFIG_DIR }));
        for (const [stack, template] of envStacks) {
          const hasBoundary = Object.values<any>(template.Resources).some(
            (r) => r.Type === 'AWS::IAM::ManagedPolicy' && r.Properties.ManagedPolicyName === 'GuardrailsPermissionsBoundary',
          );
          if (!hasBoundary) continue;
          const boundary = accountBoundaryOf(envStacks, stack.stackName);
          sizes[stack.stackName] = sizeOf(boundary);
          expect(statementsOf(boundary).map((st) => st.Sid)).toContain('DenyStackRolesOutsidePath');
        }
      }
      expect(Object.keys(sizes).length).toBe(7);
      for (const [name, size] of Object.entries(sizes)) expect([name, size <= 6144]).toEqual([name, true]);
      expect(Math.max(...Object.values(sizes))).toBe(6112);
    });

    test('no role of the apps calls a CloudFormation write (the apps deploy through the execution role, outside the boundary)', () => {
      for (const env of ['dev', 'staging', 'prod']) {
        const envStacks = env === 'prod' ? stacks : prodStacks(loadConfig(env, { configDir: CONFIG_DIR }));
        for (const [stack, template] of envStacks) {
          for (const [id, r] of Object.entries<any>(template.Resources)) {
            if (r.Type === 'AWS::IAM::ManagedPolicy' && r.Properties.ManagedPolicyName === 'GuardrailsPermissionsBoundary') continue;
            if (r.Type === 'AWS::IAM::ManagedPolicy' && r.Properties.ManagedPolicyName === 'GuardrailsDeploymentBoundary') continue;
            const actions = JSON.stringify(r.Properties ?? {}).match(/"cloudformation:[A-Za-z*]+"/g) ?? [];
            const writes = actions.filter((a) => !/"cloudformation:(Describe|Get|List)/.test(a));
            expect([stack.stackName, id, writes]).toEqual([stack.stackName, id, []]);
          }
        }
      }
    });

    test.each([
      ['a role of the path in the security account (a resource account of the boundary)', role('bounded/deployer', SECURITY)],
      ['a role of the path in the other workload account', role('bounded/deployer', PAYMENTS)],
      ['the path in another letter case', role('Bounded/deployer')],
      ['a path that merely starts like it', role('bounded-ops/deployer')],
      ['an assumed-role session of a bounded role', `arn:aws:sts::${LEDGER}:assumed-role/bounded/deployer`],
    ])("the bounded admin cannot update another app's stack naming %s", async (_what, roleArn) => {
      for (const action of ['cloudformation:UpdateStack', 'cloudformation:CreateChangeSet', 'cloudformation:RollbackStack']) {
        expect([action, await asBoundedAdmin(action, TEAM_STACK, { 'cloudformation:RoleArn': roleArn })]).toEqual([action, 'ExplicitlyDenied']);
      }
    });

    // Closed on an assumption (not verified offline). IAM role names are unique in an account whatever
    // their path, and the statement compares the ARN's text: `role/bounded/<name of a role at />` is
    // "under the path". It holds if CloudFormation (iam:PassRole, then sts:AssumeRole) refuses an ARN
    // whose path is not the role's (public reports: STS needs the role's full ARN with its path, e.g.
    // alphagov/gsp#336). Same assumption as red11 R11-4 and every boundedRolePath statement; if it
    // failed, DenyRolesOutsidePath would be open too. A test against AWS would settle it.
    test("assumption: a path-stuffed ARN of the other app's execution role passes the text comparison", async () => {
      const stuffed = role(`bounded/cdk-hnb659fds-cfn-exec-role-${LEDGER}-${HOME}`);
      expect(await asBoundedAdmin('cloudformation:UpdateStack', TEAM_STACK, { 'cloudformation:RoleArn': stuffed })).toBe('Allowed');
      expect(await asBoundedAdmin('iam:PassRole', stuffed)).toBe('Allowed');
      expect(await asBoundedAdmin('iam:PassRole', TEAM_EXEC)).toBe('ExplicitlyDenied');
    });

    test('stack operations that name no role and whose template the caller does not choose stay allowed on other stacks (by design), never on the guardrail stacks', async () => {
      // ContinueUpdateRollback: back to the stack's last good template (its own role); ExecuteChangeSet: the
      // change set's template and role were fixed when its creator made it; SetStackPolicy and
      // UpdateTerminationProtection change no resource (a DoS at most: they cannot run a template).
      for (const action of [
        'cloudformation:ContinueUpdateRollback',
        'cloudformation:ExecuteChangeSet',
        'cloudformation:SetStackPolicy',
        'cloudformation:UpdateTerminationProtection',
      ]) {
        expect([action, await asBoundedAdmin(action, TEAM_STACK)]).toEqual([action, 'Allowed']);
        expect([action, await asBoundedAdmin(action, GUARDRAIL_STACK)]).toEqual([action, 'ExplicitlyDenied']);
      }
      // naming the other app's role in ContinueUpdateRollback needs iam:PassRole on it: denied
      expect(await asBoundedAdmin('iam:PassRole', TEAM_EXEC, { 'iam:PassedToService': 'cloudformation.amazonaws.com' })).toBe('ExplicitlyDenied');
    });

    test('a self-managed StackSet with a bounded administration role cannot reach an execution role (it carries the boundary too)', async () => {
      expect(await asBoundedAdmin('cloudformation:UpdateStackSet', TEAM_STACK_SET, { 'cloudformation:RoleArn': role('bounded/stackset-admin') })).toBe(
        'Allowed',
      );
      // the administration role is a bounded role: it assumes the execution role by name (no path allowed in ExecutionRoleName)
      for (const target of [
        role('AWSCloudFormationStackSetExecutionRole'),
        role('team-stackset-exec'),
        role('AWSCloudFormationStackSetExecutionRole', PAYMENTS),
      ]) {
        expect([target, await asBoundedAdmin('sts:AssumeRole', target)]).toEqual([target, 'ExplicitlyDenied']);
      }
      // CreateStackSet names no resource (Resource "*"): the boundary's account-scoped Allow never grants it
      expect(await boundaryAlone('cloudformation:CreateStackSet', '*', { 'cloudformation:RoleArn': role('bounded/stackset-admin') })).toBe('ImplicitlyDenied');
    });

    test('extensions, hooks and Cloud Control: every such action names no resource, so the ARN-scoped Allow never grants it', async () => {
      // A hook or a third-party type runs with the execution role given at registration or activation
      // (iam:PassRole, DenyRolesOutsidePath), and disabling a hook (SetTypeConfiguration, DeactivateType)
      // would blind proactive controls. They hold because the boundary allows CloudFormation only on ARNs
      // of the account; naming one of them in resourcelessActions would open them.
      for (const action of [
        'cloudformation:ActivateType',
        'cloudformation:DeactivateType',
        'cloudformation:RegisterType',
        'cloudformation:SetTypeConfiguration',
        'cloudformation:SetTypeDefaultVersion',
        'cloudformation:PublishType',
        'cloudformation:CreateResource',
        'cloudformation:UpdateResource',
        'cloudformation:DeleteResource',
      ]) {
        expect([action, await boundaryAlone(action, '*')]).toEqual([action, 'ImplicitlyDenied']);
      }
    });

    test('Security Hub: with its denies left out of prod, the boundary still refuses every Security Hub write (no Allow names it), and the SCP denies it explicitly', async () => {
      const hub = `arn:aws:securityhub:${HOME}:${LEDGER}:hub/default`;
      expect(JSON.stringify(BOUNDARY)).not.toMatch(/securityhub/i);
      for (const action of [
        'securityhub:DisableSecurityHub',
        'securityhub:BatchUpdateFindings',
        'securityhub:UpdateStandardsControl',
        'securityhub:DeleteMembers',
      ]) {
        expect([action, await boundaryAlone(action, hub)]).toEqual([action, 'ImplicitlyDenied']);
        expect([action, await asBoundedAdmin(action, hub)]).toEqual([action, 'ExplicitlyDenied']);
      }
    });

    test('exact guardrail role ARNs in any partition still deny the takeover, in the aws partition and (harmlessly) in others', async () => {
      const breakGlass = role(config.principals.breakGlassRoleName);
      // only DenyGuardrailRoleChanges left to deny these (the path and the boundary condition removed)
      const withoutTag = withoutStatement(withoutStatement(BOUNDARY, 'DenyRolesOutsidePath'), 'DenyIdentitiesWithoutThisBoundary');
      expect(await boundaryAlone('iam:UpdateAssumeRolePolicy', role('some-other-role'), {}, withoutTag)).toBe('Allowed');
      for (const action of ['iam:UpdateAssumeRolePolicy', 'iam:PassRole', 'sts:AssumeRole', 'iam:TagRole']) {
        expect([action, await boundaryAlone(action, breakGlass, {}, withoutTag)]).toEqual([action, 'ExplicitlyDenied']);
        expect([action, await boundaryAlone(action, breakGlass.replace('arn:aws:', 'arn:aws-us-gov:'), {}, withoutTag)]).toEqual([action, 'ExplicitlyDenied']);
      }
      expect(await boundaryAlone('iam:CreatePolicyVersion', `arn:aws:iam::${LEDGER}:policy/GuardrailsPermissionsBoundary`)).toBe('ExplicitlyDenied');
      expect(await boundaryAlone('iam:TagPolicy', `arn:aws:iam::${LEDGER}:policy/GuardrailsDeploymentBoundary`)).toBe('ExplicitlyDenied');
    });
  });
});
