import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ALLOWED_TLS_VERSIONS, StatementJson } from './statements';

/** Convert a statement of the shared builder into a CDK PolicyStatement. */
export function toPolicyStatement(json: StatementJson): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: json.Sid,
    effect: iam.Effect.DENY,
    principals: [new iam.StarPrincipal()],
    actions: ([] as string[]).concat(json.Action),
    resources: ([] as string[]).concat(json.Resource),
    conditions: json.Condition,
  });
}

/** Throw unless `version` is undefined, a token, or one of the allowed TLS versions. */
export function validateMinimumTlsVersion(owner: string, version: number | undefined): void {
  if (version === undefined || Token.isUnresolved(version)) {
    return;
  }
  if (!ALLOWED_TLS_VERSIONS.includes(version)) {
    throw new Error(`${owner}: minimumTlsVersion must be one of ${ALLOWED_TLS_VERSIONS.join(', ')}, received ${version}`);
  }
}
