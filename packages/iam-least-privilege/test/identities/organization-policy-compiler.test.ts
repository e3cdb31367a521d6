import { PolicySize, PolicySizeUnit } from '@cdk-guardrails/facts';
import * as iam from 'aws-cdk-lib/aws-iam';
import { OrganizationPolicyCompiler, ResourceControlPolicy, ServiceControlPolicy } from '../../lib';

/** An SCP of one statement whose document has exactly `size` characters. */
function scpOfSize(name: string, sid: string, size: number): ServiceControlPolicy {
  const statement = (n: number) =>
    new iam.PolicyStatement({ sid, effect: iam.Effect.DENY, actions: ['s3:DeleteBucket'], resources: [`arn:aws:s3:::${'b'.repeat(n)}`] });
  const base = new ServiceControlPolicy({ name, statements: [statement(1)] }).sizeInCharacters;
  const scp = new ServiceControlPolicy({ name, statements: [statement(1 + size - base)] });
  expect(scp.sizeInCharacters).toBe(size);
  return scp;
}
/** `{"Version":"2012-10-17","Statement":[]}` */
const ENVELOPE = 39;

describe('OrganizationPolicyCompiler', () => {
  test('two SCPs whose statements fill one document exactly are packed into one of 5,120 characters', () => {
    // Two statements of s1 and s2 characters: ENVELOPE + s1 + 1 (comma) + s2 = 5120.
    const a = scpOfSize('a', 'A', 2600);
    const b = scpOfSize('b', 'B', 5120 - (2600 - ENVELOPE) - 1);
    const [doc, ...rest] = OrganizationPolicyCompiler.compileServiceControlPolicies([a, b]);
    expect(rest).toHaveLength(0);
    expect(doc.sizeInCharacters).toBe(5120);
    expect(PolicySize.of(doc.toJson(), PolicySizeUnit.CHARACTERS)).toBe(5120);
    expect(doc).toMatchObject({ name: 'scp-target-1', target: 'target', sourcePolicies: ['a', 'b'] });
    expect(JSON.parse(doc.toJson()).Statement.map((s: any) => s.Sid)).toEqual(['A', 'B']);
  });

  test('one character over the limit takes a second document', () => {
    const a = scpOfSize('a', 'A', 2600);
    const b = scpOfSize('b', 'B', 5120 - (2600 - ENVELOPE));
    const docs = OrganizationPolicyCompiler.compileServiceControlPolicies([a, b]);
    expect(docs.map((d) => d.sourcePolicies)).toEqual([['a'], ['b']]);
    for (const d of docs) expect(d.sizeInCharacters).toBeLessThanOrEqual(5120);
  });

  test('small statements of many SCPs share documents (fewer documents than policies)', () => {
    const scps = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => scpOfSize(n, n.toUpperCase(), 1500));
    const docs = OrganizationPolicyCompiler.compileServiceControlPolicies(scps, { targets: [{ name: 'ou-prod', slotsUsed: 2 }] });
    expect(docs).toHaveLength(2);
    expect(docs.flatMap((d) => d.sourcePolicies).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  test('documents fill the targets in order', () => {
    const scps = ['a', 'b', 'c'].map((n) => scpOfSize(n, n.toUpperCase(), 4000));
    const docs = OrganizationPolicyCompiler.compileServiceControlPolicies(scps, {
      targets: [
        { name: 'ou-prod', slotsUsed: 3 },
        { name: 'accounts', slotsUsed: 1 },
      ],
    });
    expect(docs.map((d) => d.name)).toEqual(['scp-ou-prod-1', 'scp-ou-prod-2', 'scp-accounts-1']);
  });

  test('one document over the free slots fails naming the target and the policy to drop', () => {
    const scps = [scpOfSize('big', 'Big', 4000), scpOfSize('small', 'Small', 3000)];
    expect(() => OrganizationPolicyCompiler.compileServiceControlPolicies(scps, { targets: [{ name: 'ou-prod', slotsUsed: 4 }] })).toThrow(
      "OrganizationPolicyCompiler: policies: received SCP statements that need 2 documents of 5120 characters: target 'ou-prod' overflows by 1; " +
        "expected at most 1 documents (free SCP slots per target: ou-prod 1; 5 per target minus slotsUsed). Drop the SCP 'small' (2961 characters of statements), or add a target, or free a slot on 'ou-prod'",
    );
  });

  test('exactly the free slots fit', () => {
    const scps = [scpOfSize('big', 'Big', 4000), scpOfSize('small', 'Small', 3000)];
    expect(OrganizationPolicyCompiler.compileServiceControlPolicies(scps, { targets: [{ name: 'ou-prod', slotsUsed: 3 }] })).toHaveLength(2);
  });

  test('RCPs compile the same way, named rcp-<target>-<n>', () => {
    const org = 'o-a1b2c3d4e5';
    const docs = OrganizationPolicyCompiler.compileResourceControlPolicies([
      ResourceControlPolicy.identityPerimeter({ organizationId: org }),
      ResourceControlPolicy.confusedDeputyProtection({ organizationId: org }),
      ResourceControlPolicy.requireSecureTransport(),
    ]);
    expect(docs).toHaveLength(1);
    expect(docs[0].name).toBe('rcp-target-1');
    expect(JSON.parse(docs[0].toJson()).Statement).toHaveLength(3);
  });

  test.each([
    [
      'a duplicate Sid',
      () => OrganizationPolicyCompiler.compileServiceControlPolicies([scpOfSize('a', 'X', 500), scpOfSize('b', 'X', 500)]),
      /the Sid 'X' in SCPs 'a' and 'b'/,
    ],
    [
      'slotsUsed over 5',
      () => OrganizationPolicyCompiler.compileServiceControlPolicies([scpOfSize('a', 'A', 500)], { targets: [{ name: 't', slotsUsed: 6 }] }),
      /targets\[0\]\.slotsUsed: received 6; expected a whole number from 0 to 5/,
    ],
    [
      'no target',
      () => OrganizationPolicyCompiler.compileServiceControlPolicies([scpOfSize('a', 'A', 500)], { targets: [] }),
      /targets: received an empty list/,
    ],
    [
      'a target name with a slash',
      () => OrganizationPolicyCompiler.compileServiceControlPolicies([scpOfSize('a', 'A', 500)], { targets: [{ name: 'a/b' }] }),
      /targets\[0\]\.name: received 'a\/b'/,
    ],
  ])('refuses %s', (_n, run, error) => {
    expect(run).toThrow(error);
  });
});

describe('the statements that protect an exemption stay on the first target (red3 A3)', () => {
  const TAKEOVER = ['iam:CreateRole', 'iam:UpdateAssumeRolePolicy', 'iam:AttachRolePolicy', 'iam:PutRolePolicy', 'iam:PassRole', 'sts:AssumeRole'];
  const EXEMPT = 'arn:aws:iam::*:role/break-glass';
  const exemption = new ServiceControlPolicy({
    name: 'exemption',
    statements: [
      new iam.PolicyStatement({
        sid: 'NoStopLogging',
        effect: iam.Effect.DENY,
        actions: ['cloudtrail:StopLogging'],
        resources: ['*'],
        conditions: { ArnNotEquals: { 'aws:PrincipalARN': [EXEMPT] } },
      }),
    ],
  });
  const protection = new ServiceControlPolicy({
    name: 'protection',
    statements: [new iam.PolicyStatement({ sid: 'Protect', effect: iam.Effect.DENY, actions: TAKEOVER, resources: ['arn:*:iam::*:role/break-glass'] })],
  });
  // Two statements that each fill a document: first-fit decreasing alone would open the OU's one free
  // slot with the first of them and put the protection in a later (per-account) document.
  const big = [scpOfSize('big1', 'Big1', 5000), scpOfSize('big2', 'Big2', 5000)];
  const targets = [{ name: 'ou', slotsUsed: 4 }, { name: 'accounts' }];
  const targetOf = (docs: ReturnType<typeof OrganizationPolicyCompiler.compileServiceControlPolicies>, sid: string) =>
    docs.find((d) => JSON.parse(d.toJson()).Statement.some((s: any) => s.Sid === sid))?.target;

  test('the protection is in the OU document, which every account of the OU inherits, wherever the exemption lands', () => {
    const docs = OrganizationPolicyCompiler.compileServiceControlPolicies([...big, exemption, protection], { targets });
    expect(targetOf(docs, 'Protect')).toBe('ou');
    expect(targetOf(docs, 'Big1')).toBe('accounts');
    expect(docs.every((d) => d.sizeInCharacters <= 5120)).toBe(true);
  });

  test('control: without an exemption to protect, the same statement is packed by size as any other', () => {
    const docs = OrganizationPolicyCompiler.compileServiceControlPolicies([...big, protection], { targets });
    expect(targetOf(docs, 'Big1')).toBe('ou');
    expect(targetOf(docs, 'Protect')).toBe('accounts');
  });

  test('firstTargetPolicyNames: a policy that must reach every account of the OU (red9 R9-5) goes to the first target, its packed parts too; without it, by size', () => {
    const region = scpOfSize('region-restriction', 'Region', 300);
    const parts = [scpOfSize('limited', 'Limited1', 300), scpOfSize('limited-2', 'Limited2', 300)];
    const all = [...big, region, ...parts];
    const pinned = OrganizationPolicyCompiler.compileServiceControlPolicies(all, {
      targets: [{ name: 'ou', slotsUsed: 3 }, { name: 'accounts' }],
      firstTargetPolicyNames: ['region-restriction', 'limited'],
    });
    for (const sid of ['Region', 'Limited1', 'Limited2']) expect([sid, targetOf(pinned, sid)]).toEqual([sid, 'ou']);
    expect([targetOf(pinned, 'Big1'), targetOf(pinned, 'Big2')]).toContain('accounts');
    // mutation: without the option, first-fit decreasing opens the OU's slots with the big statements.
    const unpinned = OrganizationPolicyCompiler.compileServiceControlPolicies(all, { targets: [{ name: 'ou', slotsUsed: 3 }, { name: 'accounts' }] });
    expect(['Region', 'Limited1', 'Limited2'].map((sid) => targetOf(unpinned, sid))).toContain('accounts');
    // A name that no policy has is a mistake, not a no-op; nor does a name cover another policy's prefix.
    expect(() => OrganizationPolicyCompiler.compileServiceControlPolicies(all, { targets, firstTargetPolicyNames: ['region'] })).toThrow(
      "OrganizationPolicyCompiler: firstTargetPolicyNames: received 'region', which no policy compiled here is named",
    );
    // ... and no room on the first target fails naming them.
    expect(() =>
      OrganizationPolicyCompiler.compileServiceControlPolicies([...big, region], {
        targets: [{ name: 'ou', slotsUsed: 5 }, { name: 'accounts' }],
        firstTargetPolicyNames: ['region-restriction'],
      }),
    ).toThrow(
      /statements that protect exemption patterns or must reach every account \(Region\) that need 1 documents, and 0 free SCP slots on the first target 'ou'/,
    );
  });

  test('fails naming the statements and the first target when it has no room for them', () => {
    expect(() =>
      OrganizationPolicyCompiler.compileServiceControlPolicies([...big, exemption, protection], {
        targets: [{ name: 'ou', slotsUsed: 5 }, { name: 'accounts' }],
      }),
    ).toThrow(
      /OrganizationPolicyCompiler: targets: received statements that protect exemption patterns or must reach every account \(Protect\) that need 1 documents, and 0 free SCP slots on the first target 'ou'; expected room for them on the first target/,
    );
  });
});
