import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { propError } from './errors';

/** True for a 12-digit AWS account id. */
export function isAccountId(value: string): boolean {
  return /^\d{12}$/.test(value);
}

/** Fails, naming the prop, when a resolved value appears twice. */
export function failIfDuplicated(scope: IConstruct, prop: string, values: string[]): void {
  const seen = new Set<string>();
  for (const value of values) {
    if (Token.isUnresolved(value)) continue;
    if (seen.has(value)) throw propError(scope, prop, `${JSON.stringify(value)} twice`, 'each value once');
    seen.add(value);
  }
}
