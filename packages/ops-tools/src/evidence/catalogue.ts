/**
 * The control catalogue: one entry per guarantee the README makes, with the construct that enforces
 * it, the test that proves it, the synth-time rule that checks it, and its mapping to NIST 800-53
 * Rev 5, PCI DSS 4.0.1, DORA and the SOC 2 trust services criteria. Every mapping names its source.
 *
 * The data is `compliance/catalogue.json` at the repository root; this module is its schema and loader.
 * The OSCAL component definition (`oscal-component.json`) and `npm run evidence` are built from it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ROOT } from '../repository';

/** The frameworks an entry maps to, by the key used in the catalogue. */
export const FRAMEWORKS = ['nist-800-53-r5', 'pci-dss-4.0.1', 'dora', 'soc2-tsc-2017'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

/** Where the catalogue lives. */
export const CATALOGUE_FILE = join(ROOT, 'compliance', 'catalogue.json');

const nonEmpty = z.string().trim().min(1);

/** A document a mapping is taken from (a standard, cdk-nag's RULES.md, an AWS mapping). */
const Source = z.strictObject({
  /** Short id that mappings refer to, e.g. `cdk-nag-rules`. */
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9.]+)*$/),
  title: nonEmpty,
  /** Where to read it. */
  url: z.url(),
});

/** One control of one framework that the guarantee contributes to. */
const Mapping = z.strictObject({
  framework: z.enum(FRAMEWORKS),
  /** The control id as the framework writes it: `SC-28(1)`, `3.5.1`, `Art. 9(2)`, `CC6.1`. */
  control: nonEmpty,
  /** The id of an entry of `sources`. */
  source: nonEmpty,
  /** Why the guarantee meets the control, or the part of the control it covers. */
  note: nonEmpty.optional(),
});

/** A test that proves the guarantee: the file, and a text that a `test(...)`/`it(...)` title there contains. */
const TestRef = z.strictObject({ file: nonEmpty, name: nonEmpty });

/** The construct that enforces the guarantee. */
const ConstructRef = z.strictObject({
  /** The npm package, e.g. `@cdk-guardrails/s3-encryption`. */
  package: z.string().regex(/^@cdk-guardrails\/[a-z0-9-]+$/),
  /** The exported construct or class, e.g. `EncryptedBucket`. */
  construct: nonEmpty,
});

const Entry = z.strictObject({
  /** Stable id, e.g. `S3-ENCRYPTED-AT-REST`. */
  id: z.string().regex(/^[A-Z0-9]+(-[A-Z0-9]+)+$/),
  /** One line: what is guaranteed. */
  title: nonEmpty,
  /** The README text this entry comes from (a substring of README.md, whitespace-normalised). */
  readme: nonEmpty,
  enforcedBy: z.array(ConstructRef).min(1),
  tests: z.array(TestRef).min(1),
  /**
   * The synth-time rules that check it, as the compliance report names them: `Guardrails-...`,
   * cdk-nag ids (`AwsSolutions-S10`, `NIST.800.53.R5-S3BucketSSLRequestsOnly`), Control Tower
   * control ids (`CT.S3.PR.1`).
   */
  rules: z.array(nonEmpty).min(1),
  /** What shows the guarantee in an environment: the resource types and the config fields (dotted paths). */
  evidence: z.strictObject({ resourceTypes: z.array(z.string().regex(/^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/)), configFields: z.array(nonEmpty) }),
  mappings: z.array(Mapping).min(1),
  /**
   * What the cited rules do not check of the guarantee (docs/compliance-catalogue.md, "Known gaps"):
   * the evidence then says "satisfied" only of what the rules check, and shows this text beside it.
   */
  ruleGap: nonEmpty.optional(),
});

const Catalogue = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1),
  sources: z.array(Source).min(1),
  controls: z.array(Entry).min(1),
});

export type CatalogueSource = z.infer<typeof Source>;
export type CatalogueMapping = z.infer<typeof Mapping>;
export type CatalogueEntry = z.infer<typeof Entry>;
export type ControlCatalogue = z.infer<typeof Catalogue>;

/**
 * Parses and checks a catalogue: the shape, unique ids, and every mapping's source declared.
 * Throws naming the field, the value and what is allowed.
 */
export function parseCatalogue(json: unknown, file = 'compliance/catalogue.json'): ControlCatalogue {
  const parsed = Catalogue.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const catalogue = parsed.data;
  const sourceIds = new Set<string>();
  for (const [i, s] of catalogue.sources.entries()) {
    if (sourceIds.has(s.id)) throw new Error(`${file}: sources.${i}.id: received '${s.id}' twice; expected unique source ids`);
    sourceIds.add(s.id);
  }
  const ids = new Set<string>();
  for (const [i, c] of catalogue.controls.entries()) {
    if (ids.has(c.id)) throw new Error(`${file}: controls.${i}.id: received '${c.id}' twice; expected unique control ids`);
    ids.add(c.id);
    for (const [j, m] of c.mappings.entries()) {
      if (!sourceIds.has(m.source)) {
        throw new Error(
          `${file}: controls.${i}.mappings.${j}.source: received '${m.source}'; expected one of the ids in sources: ${[...sourceIds].join(', ')}`,
        );
      }
    }
  }
  return catalogue;
}

/** Reads and checks the repository's catalogue (or another file). */
export function loadCatalogue(file: string = CATALOGUE_FILE): ControlCatalogue {
  return parseCatalogue(JSON.parse(readFileSync(file, 'utf8')), file);
}
