// The OSCAL component definition of an environment: valid against the vendored NIST OSCAL 1.1.3 schema
// (and the check is real: broken copies fail it), each control with its status, entries, rules,
// resources, config values and waivers. And the evidence files synth writes: the SARIF log is
// checked against its schema first, and the OSCAL file lands beside the report.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { catalogue, config, OPEN_BOUNDARY, TODAY, WAIVED_KMS_DEFAULT, writeFixture } from './evidence-fixture';
import { collectEvidence, componentDefinition, OSCAL_FRAMEWORKS, oscalSchemaErrors, ROOT, sarifSchemaErrors, uuidV5, writeEvidenceFiles } from '../src';

const { dir, report } = writeFixture({ findings: [WAIVED_KMS_DEFAULT, OPEN_BOUNDARY] });
const doc = componentDefinition(collectEvidence({ catalogue, report, reportDirectory: dir, config, today: TODAY }));
const component = doc['component-definition'].components[0];

function implementation(framework: string): any {
  return component['control-implementations'].find((ci: any) => ci.props.some((p: any) => p.name === 'framework' && p.value === framework));
}

function requirement(framework: string, controlId: string): any {
  const found = implementation(framework)['implemented-requirements'].find((r: any) => r['control-id'] === controlId);
  if (!found) throw new Error(`no ${controlId} in ${framework}`);
  return found;
}

function propValues(node: any, name: string): string[] {
  return node.props.filter((p: any) => p.name === name).map((p: any) => p.value);
}

describe('oscal-component.json', () => {
  test('validates against the NIST OSCAL 1.1.3 schema (vendored)', () => {
    expect(oscalSchemaErrors(doc)).toEqual([]);
    expect(doc['component-definition'].metadata['oscal-version']).toBe('1.1.3');
  });

  test.each([
    [
      'a control id that is not a token',
      (d: any) => (d['component-definition'].components[0]['control-implementations'][0]['implemented-requirements'][0]['control-id'] = '3.5.1'),
    ],
    ['a uuid that is not RFC 4122 v4/v5', (d: any) => (d['component-definition'].uuid = 'not-a-uuid')],
    ['no metadata title', (d: any) => delete d['component-definition'].metadata.title],
    ['a prop value with a line break at its end', (d: any) => (d['component-definition'].components[0].props[0].value = 'dev\n')],
  ])('the schema check is real: %s fails it', (_name, breakIt) => {
    const broken = JSON.parse(JSON.stringify(doc));
    breakIt(broken);
    expect(oscalSchemaErrors(broken).length).toBeGreaterThan(0);
  });

  test('one control implementation per framework, each from its catalog or document', () => {
    expect(component['control-implementations'].map((ci: any) => ci.source)).toEqual(Object.values(OSCAL_FRAMEWORKS).map((f) => f.source));
  });

  test('NIST ids as the NIST OSCAL catalog writes them: enhancements with a dot, lettered parts as statements', () => {
    expect(propValues(requirement('nist-800-53-r5', 'sc-28.1'), 'label')).toEqual(['SC-28(1)']);
    const au12 = requirement('nist-800-53-r5', 'au-12');
    expect(au12.statements.map((s: any) => s['statement-id'])).toEqual(['au-12_smt.a', 'au-12_smt.c']);
    expect(propValues(au12.statements[0], 'label')).toEqual(['AU-12a']);
    expect(OSCAL_FRAMEWORKS.dora.controlId('Art. 9(4)(c)')).toEqual({ controlId: 'dora-art-9.4.c' });
    expect(OSCAL_FRAMEWORKS['soc2-tsc-2017'].controlId('CC6.1')).toEqual({ controlId: 'soc2-cc6.1' });
    expect(() => OSCAL_FRAMEWORKS['nist-800-53-r5'].controlId('SC 28')).toThrow(/expected FAMILY-N/);
  });

  test('a waived control: its status, the first expiry, each waiver with owner and date, resources and config values', () => {
    const pci351 = requirement('pci-dss-4.0.1', 'pci-dss-3.5.1');
    expect(propValues(pci351, 'label')).toEqual(['3.5.1']);
    expect(propValues(pci351, 'status')).toEqual(['waived']);
    expect(propValues(pci351, 'waiver-expires')).toEqual(['2027-01-31']);
    expect(propValues(pci351, 'catalogue-entry')).toContain('S3-ENCRYPTED-AT-REST');
    expect(propValues(pci351, 'rule')).toContain('CT.S3.PR.10');
    expect(propValues(pci351, 'resource-type')).toContain('AWS::S3::Bucket');
    expect(propValues(pci351, 'config')).toContain('s3.encryption = "SSE_S3"');
    expect(pci351.remarks).toContain(`- CT.S3.PR.10 at \`${WAIVED_KMS_DEFAULT.constructPath}\`: owner platform-security, expires 2027-01-31.`);
    expect(pci351.description).toMatch(/S3-ENCRYPTED-AT-REST: .* Enforced by @cdk-guardrails\/s3-encryption EncryptedBucket.*checked at synth by .*proven by /);
  });

  test('a control whose rules check less than a guarantee mapped to it says so (rule-coverage partial, with the gap); the others do not', () => {
    const gapEntries = new Set(catalogue.controls.filter((c) => c.ruleGap !== undefined).map((c) => c.id));
    expect(gapEntries.size).toBeGreaterThan(0);
    let partial = 0;
    for (const ci of component['control-implementations']) {
      for (const r of ci['implemented-requirements']) {
        for (const node of [r, ...(r.statements ?? [])]) {
          if (node.props.every((p: any) => p.name !== 'label' || p.value.includes(','))) continue;
          const hasGap = propValues(node, 'catalogue-entry').some((id) => gapEntries.has(id));
          expect(propValues(node, 'rule-coverage')).toEqual(hasGap ? ['partial'] : []);
          if (hasGap) {
            partial++;
            expect(node.description).toMatch(/What the rules do not check: /);
          }
        }
      }
    }
    expect(partial).toBeGreaterThan(0);
  });

  test('an open control says why; a satisfied one says so', () => {
    const open = implementation('nist-800-53-r5')['implemented-requirements'].filter((r: any) => propValues(r, 'status')[0] === 'open');
    expect(open.length).toBeGreaterThan(0);
    for (const r of open)
      expect(r.remarks ?? r.statements?.map((s: any) => s.remarks).join('\n')).toMatch(
        /Guardrails-IamRolePermissionsBoundary: `dev-workload-a-eu-west-1\/AppRole\/Resource`/,
      );
    expect(propValues(requirement('soc2-tsc-2017', 'soc2-cc6.6'), 'status')).toEqual(['satisfied']);
  });

  test('the templates are back-matter resources with their SHA-256; the UUIDs are stable v5 UUIDs', () => {
    const templates = doc['component-definition']['back-matter'].resources.filter((r: any) => /^CloudFormation template/.test(r.title));
    expect(templates.map((r: any) => r.rlinks[0].href).sort()).toEqual([
      'security-account/dev-security-eu-west-1.template.json',
      'workload-account/dev-workload-a-eu-west-1.template.json',
    ]);
    expect(templates[0].rlinks[0].hashes[0]).toEqual({ algorithm: 'SHA-256', value: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // RFC 4122 appendix B's example namespace (DNS) and name: the published v5 UUID.
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
    expect(componentDefinition(collectEvidence({ catalogue, report, reportDirectory: dir, config, today: TODAY }))).toEqual(doc);
  });
});

describe('the evidence files of a synth', () => {
  const sarif = {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [{ tool: { driver: { name: 'cdk-guardrails compliance gate', rules: [] } }, results: [] }],
  };

  test('writes oscal-component.json beside the report when the SARIF log is valid', () => {
    const fixture = writeFixture();
    writeFileSync(join(fixture.dir, 'compliance-report.sarif'), JSON.stringify(sarif));
    const file = writeEvidenceFiles('dev', dirname(fixture.dir), join(ROOT, 'config'));
    expect(file).toBe(join(fixture.dir, 'oscal-component.json'));
    expect(oscalSchemaErrors(JSON.parse(readFileSync(file, 'utf8')))).toEqual([]);
  });

  test('fails, naming the file, when the SARIF log does not validate', () => {
    const fixture = writeFixture();
    const broken = { ...sarif, runs: [{ ...sarif.runs[0], results: [{ message: { text: 'x' }, level: 'fatal' }] }] };
    expect(sarifSchemaErrors(broken).length).toBeGreaterThan(0);
    writeFileSync(join(fixture.dir, 'compliance-report.sarif'), JSON.stringify(broken));
    expect(() => writeEvidenceFiles('dev', dirname(fixture.dir), join(ROOT, 'config'))).toThrow(
      /compliance-report\.sarif does not validate against the SARIF 2\.1\.0 schema/,
    );
  });
});
