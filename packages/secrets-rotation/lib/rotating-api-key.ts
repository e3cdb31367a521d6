import { Construct } from 'constructs';
import { RotatingTokenBase } from './rotating-token';
import { RotatingTokenProps } from './rotating-token-props';

/**
 * An API key (for example to call a partner's API) in Secrets Manager: 40 random letters and digits in the
 * JSON field `apiKey`, encrypted with a customer managed key, rotated every 90 days by
 * default by the rotation function shipped in this package (optionally registering the new
 * value through your hook), and protected by a resource policy that denies principals
 * outside the account.
 */
export class RotatingApiKey extends RotatingTokenBase {
  /** JSON field of the secret that holds the API key. */
  public static readonly VALUE_FIELD = 'apiKey';

  constructor(scope: Construct, id: string, props: RotatingTokenProps) {
    super(scope, id, props, 'API key', RotatingApiKey.VALUE_FIELD, 40);
  }
}
