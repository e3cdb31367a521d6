/**
 * RED-TEAM red12 FINDINGS, library level (helper red12): an attack on adb600d (the room made in
 * GuardrailsPermissionsBoundary for DenyStackRolesOutsidePath: the Security Hub tamper denies left out
 * when no Allow of the boundary names Security Hub, exact ARNs in any partition). The app-level
 * findings are in apps/workload-account/test/red12-findings.semantic.test.ts.
 * A `test.failing` is a hole still open: it asserts what should hold and fails today; the plain tests
 * pin the paths checked and found closed. Evaluated without SCPs (a library user may have none): the
 * boundary is all that holds a bounded admin with `Allow *:*`.
 */
import { PolicyJson } from '@cdk-guardrails/policy-test-kit';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PermissionsBoundary, PermissionsBoundaryProps } from '../../lib';
import { ACCOUNT, decide, managedPolicyDocument, newStack, REGION } from './helpers';

jest.setTimeout(120_000);

const ATTACKER = `arn:aws:iam::${ACCOUNT}:role/admin-inside-boundary`;
const HUB = `arn:aws:securityhub:${REGION}:${ACCOUNT}:hub/default`;
/** Disabling the hub, suppressing findings by hand, weakening a control, removing members. */
const HUB_TAMPERING = ['securityhub:DisableSecurityHub', 'securityhub:BatchUpdateFindings', 'securityhub:UpdateStandardsControl', 'securityhub:DeleteMembers'];

function boundaryOf(props: PermissionsBoundaryProps, after?: (b: PermissionsBoundary) => void): PolicyJson {
  const stack = newStack();
  const boundary = new PermissionsBoundary(stack, 'Boundary', props);
  after?.(boundary);
  return managedPolicyDocument(stack);
}
const asAttacker = (action: string, boundary: PolicyJson, resource = HUB) => decide(ATTACKER, { action, resource }, { boundary });
const hubAllow = (actions: string[], resources = ['*']) => new iam.PolicyStatement({ actions, resources });
/** The account's Security Hub resources (an Allow of every action on '*' is refused: it would grant the account baseline). */
const HUB_RESOURCES = [`arn:*:securityhub:*:${ACCOUNT}:*`];

describe('red12 findings (library): the Security Hub denies left out of the boundary', () => {
  // R12-3 LOW-MEDIUM (library user; not the shipped apps, which add nothing to the boundary and whose SCP
  // protect-security-services denies these to every bounded identity). Path: securityServiceTamperActions
  // (permissions-boundary.ts) decides in the constructor, from allowedServices, resourcelessActions and
  // props.additionalStatements, whether an Allow of the boundary can grant a Security Hub action. But
  // PermissionsBoundary is an iam.ManagedPolicy: `boundary.addStatements(...)` (or
  // `boundary.document.addStatements`) adds an Allow after that decision. A user who lets bounded
  // identities use Security Hub that way (the natural CDK call) gets a boundary without the Security Hub
  // tamper denies: a bounded admin disables the hub, suppresses findings (BatchUpdateFindings) and
  // weakens controls, which the boundary denied before adb600d. The account baseline check
  // (validateAccountBaselineNotAllowed, older) has the same blind spot. Fix (0 characters): decide at synthesis
  // from the final document (Lazy.list for the actions of DenySecurityServiceTampering, reading
  // this.document's Allow statements), or refuse at synthesis (node.addValidation) an Allow that may
  // name Security Hub while its denies were left out (and, for the baseline, one that grants its actions).
  // FIXED (refused at synthesis): the boundary's validation runs the constructor's checks again on the
  // document as synthesized, and names additionalStatements as the way to add such an Allow.
  test('R12-3 fixed: an Allow of Security Hub added with addStatements or document.addStatements is refused at synth; through additionalStatements it keeps the denies', async () => {
    for (const add of [
      (b: PermissionsBoundary) => b.addStatements(hubAllow(['securityhub:*'])),
      (b: PermissionsBoundary) => b.document.addStatements(hubAllow(['securityhub:Get*'], HUB_RESOURCES)),
    ]) {
      expect(() => boundaryOf({}, add)).toThrow(
        /an Allow that can grant securityhub actions was added after construction .*lacks securityhub:\*Dis\*.*Pass that Allow in additionalStatements/,
      );
    }
    const viaProps = boundaryOf({ additionalStatements: [hubAllow(['securityhub:*'])] });
    for (const action of HUB_TAMPERING) {
      expect([action, await asAttacker(action, viaProps)]).toEqual([action, 'ExplicitlyDenied']);
    }
  });
  test('R12-3 fixed (account baseline): an Allow of its actions on * added later is refused at synth, as in additionalStatements', () => {
    expect(() => boundaryOf({}, (b) => b.addStatements(hubAllow(['s3:PutAccountPublicAccessBlock'])))).toThrow(
      /permissions boundary 'GuardrailsPermissionsBoundary' \(as synthesized\): an Allow statement: received an Allow on '\*' that grants s3:PutAccountPublicAccessBlock/,
    );
    expect(() => boundaryOf({ additionalStatements: [hubAllow(['s3:PutAccountPublicAccessBlock'])] })).toThrow(/account baseline/);
  });
  test('R12-3 control: an Allow added later that names neither Security Hub nor the baseline synthesizes', () => {
    expect(() => boundaryOf({}, (b) => b.addStatements(hubAllow(['sqs:SendMessage'], [`arn:aws:sqs:${REGION}:${ACCOUNT}:orders`])))).not.toThrow();
  });

  describe('checked and closed', () => {
    test('without any Allow naming Security Hub the ceiling refuses every Security Hub action (the denies are redundant there)', async () => {
      const boundary = boundaryOf({ boundedRolePath: '/bounded/' });
      expect(JSON.stringify(boundary)).not.toMatch(/securityhub/i);
      for (const action of HUB_TAMPERING) {
        expect([action, await asAttacker(action, boundary)]).toEqual([action, 'ImplicitlyDenied']);
      }
    });

    // (A service pattern such as `sec*:*` cannot be written: aws-cdk-lib's PolicyStatement refuses a
    // wildcard in the service prefix.)
    test.each<[string, PermissionsBoundaryProps]>([
      ['allowedServices names securityhub', { allowedServices: [...PermissionsBoundary.DEFAULT_ALLOWED_SERVICES, 'securityhub'] }],
      ['a resourceless Security Hub action', { resourcelessActions: [...PermissionsBoundary.DEFAULT_RESOURCELESS_ACTIONS, 'securityhub:BatchImportFindings'] }],
      ['an additional Allow in another letter case', { additionalStatements: [hubAllow(['SecurityHub:Get*', 'SECURITYHUB:BatchUpdateFindings'])] }],
      ['an additional Allow of every service', { additionalStatements: [hubAllow(['*'], HUB_RESOURCES)] }],
      ['an additional NotAction Allow', { additionalStatements: [new iam.PolicyStatement({ notActions: ['iam:*'], resources: HUB_RESOURCES })] }],
    ])('the denies are kept when %s', async (_what, props) => {
      const boundary = boundaryOf(props);
      for (const action of HUB_TAMPERING) {
        expect([action, await asAttacker(action, boundary)]).toEqual([action, 'ExplicitlyDenied']);
      }
    });

    test('an exact protected role given as a token keeps its partition and is still denied; a literal one is denied in any partition', async () => {
      const stack = newStack();
      const tokenRole = iam.Role.fromRoleName(stack, 'Tok', 'tok-guardrail-role');
      new PermissionsBoundary(stack, 'Boundary', { protectedPrincipalArns: [tokenRole.roleArn, `arn:aws:iam::${ACCOUNT}:role/literal-guardrail-role`] });
      const boundary = managedPolicyDocument(stack);
      const resources = ([] as any[]).concat(boundary.Statement).find((st) => st.Sid === 'DenyGuardrailRoleChanges').Resource;
      expect(resources).toEqual(
        expect.arrayContaining([`arn:aws:iam::${ACCOUNT}:role/tok-guardrail-role`, `arn:*:iam::${ACCOUNT}:role/literal-guardrail-role`]),
      );
      for (const name of ['tok-guardrail-role', 'literal-guardrail-role']) {
        const arn = `arn:aws:iam::${ACCOUNT}:role/${name}`;
        // sts:AssumeRole and iam:PassRole: without boundedRolePath only DenyGuardrailRoleChanges refuses them
        for (const action of ['sts:AssumeRole', 'iam:PassRole', 'iam:UpdateAssumeRolePolicy']) {
          expect([name, action, await asAttacker(action, boundary, arn)]).toEqual([name, action, 'ExplicitlyDenied']);
        }
      }
    });
  });
});
