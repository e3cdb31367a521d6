// The control catalogue (compliance/catalogue.json) against the repository: every reference names
// something that exists, every README guarantee has an entry. Each failure mode has a control: a
// broken copy of the real catalogue that the check must reject.
import { CatalogueEntry, checkCatalogue, ControlCatalogue, guaranteeBullets, knownGapIds, loadCatalogue, loadCatalogueReferences, testTitles } from '../src';

const refs = loadCatalogueReferences();
const real = loadCatalogue();

/** A copy of the real catalogue with the first entry (or the entry `id`) changed. */
function broken(change: (entry: CatalogueEntry) => Partial<CatalogueEntry>, id = real.controls[0].id): ControlCatalogue {
  return { ...real, controls: real.controls.map((c) => (c.id === id ? { ...c, ...change(c) } : c)) };
}

function entry(id: string): CatalogueEntry {
  const found = real.controls.find((c) => c.id === id);
  if (!found) throw new Error(`no entry ${id}`);
  return found;
}

describe('the real catalogue', () => {
  test('passes every check', () => {
    expect(checkCatalogue(real, refs)).toEqual([]);
  });

  test('the references are read: README bullets, rule ids of every kind, RULES.md controls', () => {
    expect(refs.guaranteeBullets.length).toBeGreaterThanOrEqual(6);
    expect(refs.guardrailsRuleIds).toContain('Guardrails-S3BucketPolicyEnforcesEncryption');
    expect(refs.cdkNagRuleIds).toContain('AwsSolutions-S10');
    expect(refs.cdkNagRuleIds).toContain('NIST.800.53.R5-S3BucketSSLRequestsOnly');
    expect(refs.controlTowerIds).toContain('CT.S3.PR.8');
    expect(refs.leastPrivilegeRuleIds).toContain('cdk-guardrails-least-privilege::ALLOW_STAR_ACTION');
    expect(refs.nistControlsByRule['NIST.800.53.R5-S3BucketSSLRequestsOnly']).toContain('SC-8');
  });

  test('every entry cites a semantic or attack test or a test of the construct, and at least one rule', () => {
    for (const c of real.controls) {
      expect(c.tests.length).toBeGreaterThan(0);
      expect(c.rules.length).toBeGreaterThan(0);
    }
  });

  test('the two rules written for the catalogue (MFA for humans, central shipping) exist and are cited', () => {
    expect(entry('IAM-MFA-FOR-HUMANS').rules).toContain('Guardrails-IamHumanRoleRequiresMfa');
    expect(entry('LOG-SHIPPED-CENTRAL').rules).toContain('Guardrails-LogGroupShippedToCentralAccount');
    expect(refs.guardrailsRuleIds.has('Guardrails-IamHumanRoleRequiresMfa')).toBe(true);
    expect(refs.guardrailsRuleIds.has('Guardrails-LogGroupShippedToCentralAccount')).toBe(true);
  });

  test('the two rules that closed the SSE-C and Security Hub gaps exist and are cited', () => {
    expect(entry('BASELINE-SSE-C-BLOCKED').rules).toContain('Guardrails-S3BucketBlocksSseC');
    expect(entry('DETECT-SECURITY-HUB').rules).toContain('Guardrails-SecurityHubStandardsEnabled');
    expect(refs.guardrailsRuleIds.has('Guardrails-S3BucketBlocksSseC')).toBe(true);
    expect(refs.guardrailsRuleIds.has('Guardrails-SecurityHubStandardsEnabled')).toBe(true);
  });
});

describe('controls: a broken catalogue fails', () => {
  test('an entry without a test', () => {
    expect(
      checkCatalogue(
        broken(() => ({ tests: [] })),
        refs,
      ),
    ).toEqual([expect.stringMatching(/tests: received "\[\]"; expected at least one test/)]);
  });

  test('an entry without a rule', () => {
    expect(
      checkCatalogue(
        broken(() => ({ rules: [] })),
        refs,
      ),
    ).toContainEqual(expect.stringMatching(/rules: received "\[\]"; expected at least one synth-time rule/));
  });

  test('a test file that does not exist', () => {
    const problems = checkCatalogue(
      broken(() => ({ tests: [{ file: 'packages/s3-encryption/test/no-such.test.ts', name: 'x' }] })),
      refs,
    );
    expect(problems).toEqual([expect.stringMatching(/tests\.0\.file: received "packages\/s3-encryption\/test\/no-such\.test\.ts"; expected a test file/)]);
  });

  test('a test file with no test title containing the name', () => {
    const problems = checkCatalogue(
      broken((c) => ({ tests: [{ file: c.tests[0].file, name: 'no title says this' }] })),
      refs,
    );
    expect(problems).toEqual([expect.stringMatching(/tests\.0\.name: received "no title says this"; expected a text contained in a test\/it title/)]);
  });

  test('a Guardrails rule id compliance-rules does not define', () => {
    const problems = checkCatalogue(
      broken(() => ({ rules: ['Guardrails-S3BucketIsEncrypted', 'NIST.800.53.R5-S3DefaultEncryptionKMS'] })),
      refs,
    );
    expect(problems).toEqual([expect.stringMatching(/rules\.0: received "Guardrails-S3BucketIsEncrypted"; expected a rule of packages\/compliance-rules/)]);
  });

  test('a cdk-nag rule id cdk-nag does not define', () => {
    const problems = checkCatalogue(
      broken(() => ({ rules: ['AwsSolutions-S99', 'NIST.800.53.R5-S3DefaultEncryptionKMS'] })),
      refs,
    );
    expect(problems).toEqual([expect.stringMatching(/rules\.0: received "AwsSolutions-S99"; expected a rule id of the installed cdk-nag packs/)]);
  });

  test('a Control Tower id without a Guard rule file', () => {
    const problems = checkCatalogue(
      broken(() => ({ rules: ['CT.S3.PR.7', 'NIST.800.53.R5-S3DefaultEncryptionKMS'] })),
      refs,
    );
    expect(problems).toEqual([expect.stringMatching(/rules\.0: received "CT\.S3\.PR\.7"; expected the control id of a Control Tower Guard rule file/)]);
  });

  test('a rule id of no known kind, and a least-privilege rule that does not exist', () => {
    const problems = checkCatalogue(
      broken(() => ({ rules: ['S3-encrypted', 'cdk-guardrails-least-privilege::STAR', 'NIST.800.53.R5-S3DefaultEncryptionKMS'] })),
      refs,
    );
    expect(problems).toEqual([
      expect.stringMatching(/rules\.0: received "S3-encrypted"; expected Guardrails-<Rule>/),
      expect.stringMatching(/rules\.1: received "cdk-guardrails-least-privilege::STAR"/),
    ]);
  });

  test('a readme text that is not in README.md', () => {
    const problems = checkCatalogue(
      broken(() => ({ readme: 'S3 encrypted at rest with quantum keys' })),
      refs,
    );
    expect(problems).toContainEqual(expect.stringMatching(/readme: received "S3 encrypted at rest with quantum keys"; expected a text of README\.md/));
  });

  test('a README guarantee bullet without an entry', () => {
    const withoutRotation: ControlCatalogue = { ...real, controls: real.controls.filter((c) => !c.id.startsWith('SECRETS-')) };
    expect(checkCatalogue(withoutRotation, refs)).toEqual([
      expect.stringMatching(/controls: received "Secrets rotated on schedule.*expected an entry whose readme/),
    ]);
  });

  test('a NIST mapping (source cdk-nag-rules) that RULES.md does not list for the cited NIST rules', () => {
    const s3 = entry('S3-ENCRYPTED-AT-REST');
    const problems = checkCatalogue(
      broken(() => ({ mappings: [...s3.mappings, { framework: 'nist-800-53-r5', control: 'SC-8', source: 'cdk-nag-rules' }] }), s3.id),
      refs,
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /mappings\.\d+\.control: received "SC-8"; expected a control RULES\.md lists for the entry's NIST rules \(NIST\.800\.53\.R5-S3DefaultEncryptionKMS\)/,
      ),
    ]);
  });

  test('a NIST mapping from cdk-nag-rules on an entry that cites no NIST rule', () => {
    const problems = checkCatalogue(
      broken(() => ({ rules: ['AwsSolutions-S10'] }), 'S3-REJECT-PLAIN-HTTP'),
      refs,
    );
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => /none cited/.test(p))).toBe(true);
  });

  test('an evidence config field the config schema does not define', () => {
    const problems = checkCatalogue(
      broken((c) => ({ evidence: { ...c.evidence, configFields: ['minimumTlsVersion'] } })),
      refs,
    );
    expect(problems).toEqual([
      expect.stringMatching(/evidence\.configFields\.0: received "minimumTlsVersion"; expected a dotted path of config\/config\.schema\.json/),
    ]);
  });

  test('an enforcing construct the package does not export', () => {
    const problems = checkCatalogue(
      broken(() => ({ enforcedBy: [{ package: '@cdk-guardrails/s3-encryption', construct: 'EncryptedBukket' }] })),
      refs,
    );
    expect(problems).toEqual([
      expect.stringMatching(/enforcedBy\.0: received "@cdk-guardrails\/s3-encryption EncryptedBukket"; expected a name the package exports/),
    ]);
  });

  test('a known gap of the doc without its ruleGap, and a ruleGap the doc does not list', () => {
    const listed = 'GUARDRAILS-TAMPER-PROOF';
    expect(refs.knownGapIds.has(listed)).toBe(true);
    expect(
      checkCatalogue(
        broken(() => ({ ruleGap: undefined }), listed),
        refs,
      ),
    ).toEqual([
      expect.stringMatching(
        /controls \(GUARDRAILS-TAMPER-PROOF\): received "GUARDRAILS-TAMPER-PROOF"; expected a ruleGap on the entry that docs\/compliance-catalogue\.md lists under "Known gaps"/,
      ),
    ]);
    expect(
      checkCatalogue(
        broken(() => ({ ruleGap: 'checks less' }), 'S3-ENCRYPTED-AT-REST'),
        refs,
      ),
    ).toEqual([
      expect.stringMatching(/controls \(S3-ENCRYPTED-AT-REST\)\.ruleGap: received "S3-ENCRYPTED-AT-REST"; expected the entry listed under "Known gaps"/),
    ]);
  });
});

describe('parsing', () => {
  test('test titles: test, it, test.each(...)(...), escaped quotes', () => {
    const source = [
      "test('plain', () => {});",
      'it("with \\"quotes\\"", () => {});',
      "test.each([['a', {}]])('each: %s', async () => {});",
      "describe('not a test', () => {});",
    ].join('\n');
    expect(testTitles(source)).toEqual(['plain', 'with "quotes"', 'each: %s']);
  });

  test('known gaps: the backquoted ids that start a bullet of the section, not those further on or in other sections', () => {
    const doc = '## Known gaps\n\n- `A-B`, `C-D`: text naming `E-F`\n- `G-H` (one corner): more\n\n## Sources\n- `I-J`: not a gap\n';
    expect([...knownGapIds(doc)]).toEqual(['A-B', 'C-D', 'G-H']);
  });

  test('guarantee bullets: continuation lines are joined, the section ends at the next heading', () => {
    const readme = 'What the guardrails guarantee:\n\n- first\n  continued\n- second\n\n## Next\n- not a guarantee\n';
    expect(guaranteeBullets(readme)).toEqual(['first continued', 'second']);
  });
});
