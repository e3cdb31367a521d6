// The evidence of a synthesized environment: each catalogue entry satisfied, waived (owner, expiry) or
// open (why), and the one-page summary per framework of `npm run evidence`. Every status has its
// control: the same fixture without the finding (or with the pack, or with a valid date) reads otherwise.
import { join } from 'node:path';
import { ALL_PACKS, config, evidenceOf, OPEN_BOUNDARY, TODAY, WAIVED_KMS_DEFAULT, writeFixture } from './evidence-fixture';
import {
  configValue,
  EntryEvidence,
  EnvironmentEvidence,
  evidenceSummary,
  findingMatchesRule,
  frameworkControls,
  OpsError,
  parseEvidenceArgs,
  readComplianceReport,
  rulePackOf,
} from '../src';

function entry(evidence: EnvironmentEvidence, id: string): EntryEvidence {
  const found = evidence.entries.find((e) => e.entry.id === id);
  if (!found) throw new Error(`no entry ${id}`);
  return found;
}

describe('rule ids and findings', () => {
  test('each kind of catalogue rule belongs to the pack that reports it', () => {
    expect(rulePackOf('Guardrails-IamRolePermissionsBoundary')).toBe('Guardrails');
    expect(rulePackOf('NIST.800.53.R5-S3BucketSSLRequestsOnly')).toBe('NIST.800.53.R5');
    expect(rulePackOf('AwsSolutions-S10')).toBe('AwsSolutions');
    expect(rulePackOf('CT.S3.PR.10')).toBe('cdk-validator-cfnguard');
    expect(rulePackOf('cdk-guardrails-least-privilege::ALLOW_STAR_ACTION')).toBe('cdk-guardrails-least-privilege');
  });

  test('a cdk-nag finding with a detail matches its rule, a longer rule id does not', () => {
    expect(findingMatchesRule({ plugin: 'AwsSolutions', ruleId: 'AwsSolutions-IAM5[Action::s3:*]' }, 'AwsSolutions-IAM5')).toBe(true);
    expect(findingMatchesRule({ plugin: 'AwsSolutions', ruleId: 'AwsSolutions-IAM50' }, 'AwsSolutions-IAM5')).toBe(false);
    expect(findingMatchesRule({ plugin: 'cdk-validator-cfnguard', ruleId: 'x_check', controlId: 'CT.S3.PR.10' }, 'CT.S3.PR.10')).toBe(true);
    expect(findingMatchesRule({ plugin: 'cdk-validator-cfnguard', ruleId: 'x_check', controlId: 'CT.S3.PR.1' }, 'CT.S3.PR.10')).toBe(false);
    expect(findingMatchesRule({ plugin: 'Guardrails', ruleId: 'ALLOW_STAR_ACTION' }, 'cdk-guardrails-least-privilege::ALLOW_STAR_ACTION')).toBe(false);
  });

  test('config values are read by dotted path', () => {
    expect(configValue(config, 's3.encryption')).toBe('SSE_S3');
    expect(configValue(config, 's3.nothing.here')).toBeUndefined();
  });
});

describe('the status of a catalogue entry', () => {
  test('satisfied when every pack ran and found nothing; resources and config values are listed', () => {
    const evidence = evidenceOf();
    expect(evidence.entries.every((e) => e.status === 'satisfied')).toBe(true);
    const s3 = entry(evidence, 'S3-ENCRYPTED-AT-REST');
    expect(s3.resources).toEqual([{ type: 'AWS::S3::Bucket', count: 2, stacks: ['dev-workload-a-eu-west-1'] }]);
    expect(s3.config).toEqual([{ field: 's3.encryption', value: 'SSE_S3' }]);
    expect(evidence.synthesizedAt).toBe('2026-12-04T10:01:00.000Z');
  });

  test('waived by an acknowledged finding of one of its rules, with owner and expiry; other entries stay satisfied', () => {
    const evidence = evidenceOf({ findings: [WAIVED_KMS_DEFAULT] });
    const s3 = entry(evidence, 'S3-ENCRYPTED-AT-REST');
    expect(s3.status).toBe('waived');
    expect(s3.waivers).toEqual([
      expect.objectContaining({ rule: 'CT.S3.PR.10', path: WAIVED_KMS_DEFAULT.constructPath, owner: 'platform-security', expires: '2027-01-31' }),
    ]);
    expect(entry(evidence, 'IAM-EXTERNAL-ID').status).toBe('satisfied');
  });

  test('open by an unacknowledged finding, in every entry that cites the rule', () => {
    const evidence = evidenceOf({ findings: [OPEN_BOUNDARY] });
    for (const id of ['IAM-PERMISSIONS-BOUNDARY', 'GUARDRAILS-TAMPER-PROOF']) {
      expect(entry(evidence, id)).toMatchObject({
        status: 'open',
        open: [expect.objectContaining({ rule: 'Guardrails-IamRolePermissionsBoundary', path: OPEN_BOUNDARY.constructPath })],
      });
    }
    expect(entry(evidence, 'S3-ENCRYPTED-AT-REST').status).toBe('satisfied');
  });

  test('open when a waiver has expired by the day the evidence is read; the day before it holds', () => {
    const expired = { ...WAIVED_KMS_DEFAULT, expires: '2026-12-03' };
    expect(entry(evidenceOf({ findings: [expired] }), 'S3-ENCRYPTED-AT-REST')).toMatchObject({
      status: 'open',
      open: [expect.objectContaining({ problem: 'the waiver (owner platform-security) expired 2026-12-03' })],
    });
    expect(entry(evidenceOf({ findings: [{ ...WAIVED_KMS_DEFAULT, expires: TODAY }] }), 'S3-ENCRYPTED-AT-REST').status).toBe('waived');
  });

  test('open when the pack of one of its rules did not run: "no finding" is not "passed"', () => {
    const evidence = evidenceOf({ plugins: ALL_PACKS.filter((p) => p !== 'cdk-validator-cfnguard') });
    expect(entry(evidence, 'BASELINE-EBS-DEFAULT-ENCRYPTION')).toMatchObject({
      status: 'open',
      open: [{ rule: 'CT.EC2.PR.7', problem: 'rule pack cdk-validator-cfnguard did not run in this environment' }],
    });
    expect(entry(evidence, 'IAM-EXTERNAL-ID').status).toBe('satisfied');
  });

  test('every entry is open when an app was not validated, or the report does not say which packs ran', () => {
    const notValidated = evidenceOf({ error: 'synthesis failed before the validation plugins ran: boom' });
    expect(notValidated.entries.every((e) => e.status === 'open' && e.open.some((o) => /app workload-account was not validated: .*boom/.test(o.problem)))).toBe(
      true,
    );
    const noPlugins = evidenceOf({ plugins: null });
    expect(noPlugins.entries.every((e) => e.status === 'open' && e.open.some((o) => /does not list the rule packs that ran/.test(o.problem)))).toBe(true);
  });

  test('a policy-validator suppression in a template is a waiver of its rule', () => {
    const suppression = { rule: 'ALLOW_STAR_ACTION', reason: 'a boundary grants nothing', owner: 'platform-security', expires: '2027-03-01' };
    const star = entry(evidenceOf({ suppressions: [suppression] }), 'IAM-NO-ACTION-STAR');
    expect(star.status).toBe('waived');
    expect(star.waivers).toEqual([
      {
        rule: 'cdk-guardrails-least-privilege::ALLOW_STAR_ACTION',
        path: 'dev-workload-a-eu-west-1/AppRole/Resource',
        reason: 'a boundary grants nothing',
        owner: 'platform-security',
        expires: '2027-03-01',
        ticket: undefined,
      },
    ]);
  });
});

describe('the frameworks', () => {
  test('a framework control takes the worst status of the entries mapped to it', () => {
    const evidence = evidenceOf({ findings: [WAIVED_KMS_DEFAULT, OPEN_BOUNDARY] });
    const pci = frameworkControls(evidence, 'pci-dss-4.0.1');
    const ids = (status: string) => pci.filter((c) => c.status === status).map((c) => c.control);
    // 3.5.1 is mapped from S3-ENCRYPTED-AT-REST (waived); every control mapped from the boundary entries is open.
    expect(ids('waived')).toContain('3.5.1');
    for (const c of pci.filter((x) => x.entries.some((e) => e.entry.rules.includes('Guardrails-IamRolePermissionsBoundary')))) expect(c.status).toBe('open');
    expect(pci.map((c) => c.control)).toEqual([...pci.map((c) => c.control)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })));
  });

  test('the summary has one page per framework: counts, the waived with expiry and owner, the open with why', () => {
    const text = evidenceSummary(evidenceOf({ findings: [WAIVED_KMS_DEFAULT, OPEN_BOUNDARY] }));
    expect(text).toMatch(/^Evidence of environment dev: synth of 2026-12-04T10:01:00.000Z, waivers judged on 2026-12-04$/m);
    for (const title of ['NIST SP 800-53 Rev. 5', 'PCI DSS v4.0.1', 'Regulation \\(EU\\) 2022/2554 \\(DORA\\)', 'AICPA 2017 Trust Services Criteria']) {
      expect(text).toMatch(new RegExp(`^== ${title}.*: \\d+ controls mapped; \\d+ satisfied, \\d+ waived, \\d+ open$`, 'm'));
    }
    expect(text).toMatch(/^ {2}3\.5\.1 +\d+ waiver\(s\) until 2027-01-31 \(owner platform-security\): .*CT\.S3\.PR\.10/m);
    expect(text).toMatch(/^ {2}\S+ +IAM-PERMISSIONS-BOUNDARY: Guardrails-IamRolePermissionsBoundary: .* at dev-workload-a-eu-west-1\/AppRole\/Resource/m);
  });

  test('the page lists the controls whose rules check less than a guarantee mapped to them (the catalogue ruleGap)', () => {
    const text = evidenceSummary(evidenceOf(), ['soc2-tsc-2017']);
    expect(text).toMatch(/^of these, the rules check less than the guarantee \(docs\/compliance-catalogue\.md, "Known gaps"\) for \d+:$/m);
    expect(text).toMatch(/^ {2}CC8\.1 +.*GUARDRAILS-TAMPER-PROOF/m);
  });

  test('--framework limits the summary to that page', () => {
    const text = evidenceSummary(evidenceOf(), ['dora']);
    expect(text.match(/^== /gm)).toHaveLength(1);
    expect(text).toMatch(/^== Regulation \(EU\) 2022\/2554 \(DORA\): 7 controls mapped; 7 satisfied, 0 waived, 0 open$/m);
  });
});

describe('npm run evidence arguments and inputs', () => {
  test('--env is required; frameworks are checked; the default is every framework', () => {
    expect(() => parseEvidenceArgs([])).toThrow(/--env is required/);
    expect(() => parseEvidenceArgs(['--env', 'prod', '--framework', 'pci'])).toThrow(
      "evidence: --framework: received 'pci'; expected one of nist-800-53-r5, pci-dss-4.0.1, dora, soc2-tsc-2017",
    );
    expect(() => parseEvidenceArgs(['--env', 'prod', '--bogus'])).toThrow(/unknown argument '--bogus'/);
    expect(parseEvidenceArgs(['--env=prod', '--framework', 'dora', '--fail-on-open'])).toMatchObject({ env: 'prod', frameworks: ['dora'], failOnOpen: true });
    expect(parseEvidenceArgs(['--env', 'prod']).frameworks).toHaveLength(4);
  });

  test('a missing report, or one of another environment, names what to run', () => {
    const { dir } = writeFixture();
    expect(() => readComplianceReport(join(dir, 'nowhere'), 'dev')).toThrow(/not found; run `npm run synth -- --env dev` first/);
    expect(() => readComplianceReport(dir, 'prod')).toThrow(OpsError);
    expect(() => readComplianceReport(dir, 'prod')).toThrow("environment: received 'dev'; expected 'prod'");
  });
});
