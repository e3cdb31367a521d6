import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { grantSecretRead } from './private/secret-guardrails';
import { buildTokenRotation } from './private/token-rotation';
import { RotatingTokenProps } from './rotating-token-props';

/**
 * What `RotatingApiKey` and `RotatingServiceToken` share: a random value in one JSON field of a
 * secret encrypted with a customer managed key, rotated by the rotation function shipped in this
 * package (optionally registering the new value through your hook), behind a resource policy that
 * denies principals outside the account.
 */
export abstract class RotatingTokenBase extends Construct {
  /** The secret. */
  public readonly secret: secretsmanager.ISecret;

  /** The customer managed key that encrypts the secret. */
  public readonly encryptionKey: kms.IKey;

  /** ARN of the secret. */
  public readonly secretArn: string;

  /** The rotation function. */
  public readonly rotationFunction: lambda.IFunction;

  /** The rotation schedule. */
  public readonly rotationSchedule: secretsmanager.RotationSchedule;

  /** Log group of the rotation function. */
  public readonly logGroup: logs.ILogGroup;

  /** Time between two rotations. */
  public readonly rotationInterval: Duration;

  /**
   * @param label what the value is, in messages ("API key")
   * @param valueField JSON field of the secret that holds the value
   * @param defaultLength length of a generated value when `valueLength` is not set
   */
  protected constructor(scope: Construct, id: string, props: RotatingTokenProps, label: string, valueField: string, defaultLength: number) {
    super(scope, id);
    const parts = buildTokenRotation(this, props, { label, valueField, defaultLength });
    this.secret = parts.secret;
    this.encryptionKey = parts.encryptionKey;
    this.secretArn = parts.secret.secretArn;
    this.rotationFunction = parts.rotationFunction;
    this.rotationSchedule = parts.rotationSchedule;
    this.logGroup = parts.logGroup;
    this.rotationInterval = parts.rotationInterval;
  }

  /** Grant read access (GetSecretValue, DescribeSecret and kms:Decrypt via Secrets Manager) to the secret. */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return grantSecretRead(this, grantee, this.secret, this.encryptionKey);
  }
}
