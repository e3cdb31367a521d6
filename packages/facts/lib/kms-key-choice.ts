import { KmsKeyArn } from './kms-key-arn';

// Internal: the one check the construct packages run on a `kms.IKey` prop. It lives here because
// this is the one package they all depend on; it is not part of the published API (`@internal`:
// jsii leaves it out of the assembly, so Python never sees it, and a TypeScript user must not
// call it). It takes the key and the stack structurally, so it needs no aws-cdk-lib.

/**
 * A `kms.IKey` (or `kms.IAlias`) as the check reads it.
 *
 * @internal
 */
export interface _KmsKeyLike {
  readonly keyArn: string;
  /** Present when the object is an alias (`kms.IAlias`). */
  readonly aliasName?: string;
  /** The key's environment (`IResource.env`): from the ARN for `Key.fromKeyArn`, the owning stack's otherwise. */
  readonly env: { readonly account: string; readonly region: string };
  readonly node?: { readonly path: string };
}

/**
 * The stack (or other place) that uses the key: a `Stack` fits.
 *
 * @internal
 */
export interface _KmsKeyUser {
  readonly account: string;
  readonly region: string;
}

/**
 * What is wrong with a key choice, in the parts of the project's error
 * `<construct path>: <prop>: received <received>; expected <expected>. <fix>`.
 *
 * @internal
 */
export interface _KmsKeyChoiceProblem {
  /** `alias` or `environment`. */
  readonly kind: string;
  readonly received: string;
  readonly expected: string;
  readonly fix: string;
  /** The key's account, when known (kind `environment`). */
  readonly keyAccount?: string;
  /** The key's region, when known (kind `environment`). */
  readonly keyRegion?: string;
}

const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;

/**
 * Refuse an alias, and a key of another account or region than its user, where both sides are
 * known at synth time.
 *
 * - An alias (an object with `aliasName`, or an ARN with `:alias/`) is refused whatever its ARN:
 *   whoever administers the alias can re-point it to another key, and an AWS managed alias
 *   (`alias/aws/...`) names a key whose policy nobody controls and that cannot be shared.
 * - The key's account and region come from its literal key ARN (`Key.fromKeyArn`), else from its
 *   environment (a key created in another stack). Only literal values are compared: a token on
 *   either side (an environment-agnostic stack, a key ARN from a parameter) leaves that side
 *   unchecked, the same as `KeySource.fromKeyArn` of kms-hierarchy. A value counts as literal when
 *   it has the shape of an account id or a region, so no CDK token ever passes for one.
 *
 * @returns undefined when nothing is wrong (or nothing can be known)
 * @internal
 */
export function _kmsKeyChoiceProblem(key: _KmsKeyLike, user: _KmsKeyUser, userNoun: string = 'stack'): _KmsKeyChoiceProblem | undefined {
  const keyArn = key.keyArn;
  const aliasName = key.aliasName;
  if (aliasName !== undefined || (typeof keyArn === 'string' && keyArn.includes(':alias/'))) {
    const name = aliasName !== undefined && /^alias\/[a-zA-Z0-9/_-]+$/.test(aliasName) ? aliasName : /:(alias\/[a-zA-Z0-9/_-]+)$/.exec(keyArn)?.[1];
    const awsManaged = name !== undefined && name.startsWith('alias/aws/');
    const what = name !== undefined ? `'${name}'` : (key.node?.path ?? 'an alias');
    return {
      kind: 'alias',
      received: awsManaged ? `the AWS managed key ${what}` : `the alias ${what}`,
      expected: 'a customer managed KMS key, not an alias (kms.Key, or kms.Key.fromKeyArn with the key ARN)',
      fix: awsManaged
        ? "An AWS managed key's policy cannot be changed and the key cannot be shared with another account"
        : 'Whoever administers an alias can re-point it to another key: pass the key it names',
    };
  }
  const parsed = typeof keyArn === 'string' && KmsKeyArn.isKeyArn(keyArn) ? KmsKeyArn.parse(keyArn) : undefined;
  const keyAccount = parsed?.account ?? literal(key.env?.account, ACCOUNT);
  const keyRegion = parsed?.region ?? literal(key.env?.region, REGION);
  const account = literal(user.account, ACCOUNT);
  const region = literal(user.region, REGION);
  const accountDiffers = keyAccount !== undefined && account !== undefined && keyAccount !== account;
  const regionDiffers = keyRegion !== undefined && region !== undefined && keyRegion !== region;
  if (!accountDiffers && !regionDiffers) return undefined;
  const subject = parsed !== undefined ? `key '${keyArn}'` : `the key ${key.node?.path ?? ''}`.trimEnd();
  return {
    kind: 'environment',
    received: `${subject} of account ${keyAccount ?? '(unresolved)'} region ${keyRegion ?? '(unresolved)'}`,
    expected: `a key of the ${userNoun}'s account ${account ?? '(unresolved)'} and region ${region ?? '(unresolved)'}`,
    fix: [
      accountDiffers ? "A key of another account is governed by that account's key policy: its owner decides who may use it and can disable it" : undefined,
      regionDiffers ? 'AWS services use a KMS key of their own region only' : undefined,
    ]
      .filter((s) => s !== undefined)
      .join('; '),
    keyAccount,
    keyRegion,
  };
}

function literal(value: string | undefined, shape: RegExp): string | undefined {
  return typeof value === 'string' && shape.test(value) ? value : undefined;
}
