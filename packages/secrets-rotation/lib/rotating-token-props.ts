import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { RotatingSecretProps } from './common';

/** Properties of a RotatingApiKey or a RotatingServiceToken. */
export interface RotatingTokenProps extends RotatingSecretProps {
  /**
   * Time between two rotations (4 hours to 1000 days, whole hours).
   *
   * @default Duration.days(90)
   */
  readonly rotationInterval?: Duration;

  /**
   * A Lambda function you provide to register the new value with the system that issues
   * or checks it. It is invoked synchronously with `{ step, secretArn, clientRequestToken }`
   * for the steps `setSecret` (register the pending value) and `testSecret` (check that it
   * works); it reads the pending value itself (`GetSecretValue` with `VersionStage`
   * AWSPENDING, granted by this construct) because the value is never sent in the event.
   * It must be idempotent (a step can be retried) and fail (throw) to stop the rotation.
   *
   * @default - no hook: setSecret does nothing and testSecret checks the value's shape; consumers read the current value from the secret
   */
  readonly registrationHook?: lambda.IFunction;

  /**
   * Length of the generated value (letters and digits), 20 to 4096 characters.
   *
   * @default - 40 for an API key, 64 for a service token
   */
  readonly valueLength?: number;

  /**
   * Fixed fields stored next to the generated value in the secret's JSON (for example a
   * client id); rotation keeps them unchanged.
   *
   * @default - the secret holds only the generated value
   */
  readonly additionalFields?: Record<string, string>;

  /**
   * Retention of the rotation function's log group.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Key that encrypts the rotation function's log group (its key policy must allow
   * `logs.<region>.amazonaws.com`, for example the logs key of `@cdk-guardrails/kms-hierarchy`).
   * The logs never contain secret values.
   *
   * @default - CloudWatch Logs' own encryption
   */
  readonly logEncryptionKey?: kms.IKey;

  /**
   * Reserved concurrency of the rotation function. Secrets Manager runs one rotation of a
   * secret at a time, so 1 is enough and caps what a misuse of the function could do.
   * Accounts whose concurrency quota is still the new-account default of 10 cannot
   * reserve any: pass a larger quota first.
   *
   * @default 1
   */
  readonly reservedConcurrentExecutions?: number;

  /**
   * VPC to run the rotation function in, for example the private subnets of
   * `@cdk-guardrails/resilience`'s `PrivateNetwork`. The function calls Secrets Manager (and KMS
   * through it) and, with a `registrationHook`, Lambda: the subnets need a route to them, such as
   * a `secretsmanager` interface endpoint (and a `lambda` one for the hook).
   *
   * @default - the rotation function runs outside any VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Subnets of the rotation function in `vpc`.
   *
   * @default - the VPC's private subnets (CDK's default selection)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the rotation function in `vpc`.
   *
   * @default - a new security group with all outbound traffic allowed
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
}
