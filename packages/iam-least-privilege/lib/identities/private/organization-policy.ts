import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { propError } from '../../private/errors';

/**
 * The checks both organization policy types (SCPs and RCPs) make at construction, returning the
 * minified document: a name that can be a file name, at least one statement, plain strings only
 * (an organization policy lives outside CloudFormation, so a token would never resolve), each
 * statement through `validateStatement`, and at most `maxCharacters` minified (what AWS
 * Organizations counts). `ctor` leads every error (`new ServiceControlPolicy`), `kind` names the
 * policy in it (`SCP`, `RCP`).
 */
export function organizationPolicyJson(
  ctor: string,
  kind: string,
  name: string,
  statements: readonly iam.PolicyStatement[] | undefined,
  maxCharacters: number,
  validateStatement?: (statement: any, prop: string) => void,
): string {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(name)) {
    throw propError(ctor, 'name', `'${name}'`, "1-128 letters, digits, '-' or '_' (it becomes a file name)");
  }
  if (!statements || statements.length === 0) {
    throw propError(ctor, 'statements', `an empty list for ${kind} '${name}'`, 'at least one statement');
  }
  const json = statements.map((s) => s.toStatementJson());
  const document = JSON.stringify({ Version: '2012-10-17', Statement: json });
  if (Token.isUnresolved(document)) {
    throw propError(
      ctor,
      'statements',
      `${kind} '${name}' with a CDK token (a reference or pseudo parameter)`,
      'plain strings only',
      `${kind}s live outside CloudFormation, use plain strings`,
    );
  }
  json.forEach((s, i) => validateStatement?.(s, `statements[${i}] of ${kind} '${name}'`));
  if (document.length > maxCharacters) {
    throw propError(
      ctor,
      'statements',
      `${kind} '${name}' of ${document.length} characters minified`,
      `at most ${maxCharacters} characters minified (the AWS Organizations limit is ${maxCharacters})`,
      'Split it or drop statements.',
    );
  }
  return document;
}
