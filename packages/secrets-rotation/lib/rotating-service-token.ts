import { Construct } from 'constructs';
import { RotatingTokenBase } from './rotating-token';
import { RotatingTokenProps } from './rotating-token-props';

/**
 * A service token (a bearer token shared by two services) in Secrets Manager: 64 random letters and digits in the
 * JSON field `token`, encrypted with a customer managed key, rotated every 90 days by
 * default by the rotation function shipped in this package (optionally registering the new
 * value through your hook), and protected by a resource policy that denies principals
 * outside the account.
 */
export class RotatingServiceToken extends RotatingTokenBase {
  /** JSON field of the secret that holds the service token. */
  public static readonly VALUE_FIELD = 'token';

  constructor(scope: Construct, id: string, props: RotatingTokenProps) {
    super(scope, id, props, 'service token', RotatingServiceToken.VALUE_FIELD, 64);
  }
}
