/**
 * The published schemas the evidence files must validate against, checked offline: OSCAL 1.1.3
 * (vendored in compliance/schemas/, see its README) for `oscal-component.json`, and SARIF 2.1.0 (the
 * schema @microsoft/jest-sarif vendors, the one the compliance-rules tests use) for
 * `compliance-report.sarif`. ajv 8: the OSCAL patterns need Unicode property escapes (`\p{L}`);
 * the SARIF schema is draft-04, hence ajv-draft-04.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Ajv from 'ajv';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { OSCAL_VERSION } from './oscal';
import { ROOT } from '../repository';

export const OSCAL_SCHEMA_FILE = join(ROOT, 'compliance', 'schemas', `oscal_complete_schema-${OSCAL_VERSION}.json`);

/** The SARIF 2.1.0 schema file (resolved in the installed @microsoft/jest-sarif, a devDependency: synth runs in the repository). */
export function sarifSchemaFile(): string {
  return join(dirname(require.resolve('@microsoft/jest-sarif/package.json', { paths: [ROOT] })), 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');
}

type Validate = ((doc: unknown) => boolean) & { errors?: any[] | null };
const compiled = new Map<string, Validate>();

function validatorFor(kind: 'oscal' | 'sarif'): Validate {
  let validate = compiled.get(kind);
  if (validate === undefined) {
    // strict: false: both schemas use annotations ajv does not know (contentEncoding, deprecated); allErrors
    // for a full list. The SARIF schema's language-tag pattern (`...]?$`) is not valid with the `u` flag,
    // so its patterns are compiled without it, as draft-04 validators do.
    const ajv = kind === 'oscal' ? new Ajv({ strict: false, allErrors: true }) : new AjvDraft04({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats(ajv);
    validate = ajv.compile(JSON.parse(readFileSync(kind === 'oscal' ? OSCAL_SCHEMA_FILE : sarifSchemaFile(), 'utf8'))) as Validate;
    compiled.set(kind, validate);
  }
  return validate;
}

function errorsOf(validate: Validate, doc: unknown): string[] {
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((e: any) => `${e.instancePath || '(root)'}: ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
}

/** The schema errors of an OSCAL document (empty when it is valid). */
export function oscalSchemaErrors(doc: unknown): string[] {
  return errorsOf(validatorFor('oscal'), doc);
}

/** The schema errors of a SARIF log (empty when it is valid). */
export function sarifSchemaErrors(doc: unknown): string[] {
  return errorsOf(validatorFor('sarif'), doc);
}
