import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { FUNCTION_NAME, LOG_GROUP_NAME, ROLE_NAME, validateName } from './resource-names';
import { validateRotationInterval } from './rotation-interval';
import { buildRotationFunction, handlerDir, restrictInvokePermissionToThisAccount } from './rotation-function';
import { applySecretAccessPolicy, grantSecretRead, requireCustomerManagedKey } from './secret-guardrails';
import { RotatingTokenProps } from '../rotating-token-props';
import { RotationLimits } from '../rotation-limits';
import { propError } from './errors';

/** What distinguishes an API key from a service token. */
export interface TokenKind {
  /** Human name used in descriptions, e.g. 'API key'. */
  readonly label: string;
  /** JSON field of the secret holding the value. */
  readonly valueField: string;
  /** Default length of the value. */
  readonly defaultLength: number;
}

export interface TokenRotationParts {
  readonly secret: secretsmanager.Secret;
  readonly encryptionKey: kms.IKey;
  readonly rotationFunction: lambda.Function;
  readonly rotationSchedule: secretsmanager.RotationSchedule;
  readonly logGroup: logs.LogGroup;
  readonly rotationInterval: Duration;
}

export const MIN_VALUE_LENGTH = 20;
export const MAX_VALUE_LENGTH = 4096;

/**
 * Build the secret, the rotation function (own role, own log group) and the rotation
 * schedule of a generated token, in `scope`.
 */
export function buildTokenRotation(scope: Construct, props: RotatingTokenProps, kind: TokenKind): TokenRotationParts {
  const key = requireCustomerManagedKey(scope, props.encryptionKey);
  const rotationInterval = props.rotationInterval ?? Duration.days(RotationLimits.DEFAULT_TOKEN_DAYS);
  validateRotationInterval(scope, 'rotationInterval', rotationInterval, props.maxRotationInterval);
  const valueLength = props.valueLength ?? kind.defaultLength;
  if (!Token.isUnresolved(valueLength) && !(Number.isInteger(valueLength) && valueLength >= MIN_VALUE_LENGTH && valueLength <= MAX_VALUE_LENGTH)) {
    throw propError(scope, 'valueLength', String(valueLength), `an integer from ${MIN_VALUE_LENGTH} to ${MAX_VALUE_LENGTH}`);
  }
  const additionalFields = props.additionalFields ?? {};
  if (kind.valueField in additionalFields) {
    throw propError(
      scope,
      'additionalFields',
      `a field named '${kind.valueField}'`,
      `fields other than '${kind.valueField}', the field that holds the generated ${kind.label}`,
    );
  }
  const concurrency = props.reservedConcurrentExecutions ?? 1;
  if (!Token.isUnresolved(concurrency) && !(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw propError(scope, 'reservedConcurrentExecutions', String(concurrency), 'an integer of at least 1');
  }
  validateName(scope.node.path, 'rotationFunctionName', props.rotationFunctionName, FUNCTION_NAME);
  validateName(scope.node.path, 'rotationLogGroupName', props.rotationLogGroupName, LOG_GROUP_NAME);
  validateName(scope.node.path, 'rotationRoleName', props.rotationRoleName, ROLE_NAME);
  if (props.vpc === undefined && (props.vpcSubnets !== undefined || props.securityGroups !== undefined)) {
    throw propError(
      scope,
      'vpc',
      'undefined with vpcSubnets or securityGroups set',
      'a vpc whenever vpcSubnets or securityGroups is set, because they place the rotation function in a VPC',
      'Set vpc as well',
    );
  }
  const stack = Stack.of(scope);

  const secret = new secretsmanager.Secret(scope, 'Secret', {
    secretName: props.secretName,
    description: props.description ?? `${kind.label}, rotated every ${rotationInterval.toHumanString()} by its own rotation function`,
    encryptionKey: key,
    removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    generateSecretString: {
      secretStringTemplate: stack.toJsonString(additionalFields),
      generateStringKey: kind.valueField,
      passwordLength: valueLength,
      // Letters and digits only, exactly what the rotation function generates and checks.
      excludePunctuation: true,
      includeSpace: false,
      requireEachIncludedType: true,
    },
  });

  const environment: Record<string, string> = {
    VALUE_FIELD: kind.valueField,
    VALUE_LENGTH: String(valueLength),
  };
  if (props.registrationHook !== undefined) {
    environment.HOOK_FUNCTION_ARN = props.registrationHook.functionArn;
  }

  const { role, logGroup, rotationFunction } = buildRotationFunction(scope, {
    handlerDir: handlerDir('token-rotation'),
    description: `Rotates the ${kind.label} in ${secret.node.path}`,
    roleDescription: `Rotates one ${kind.label} secret`,
    functionName: props.rotationFunctionName,
    roleName: props.rotationRoleName,
    logGroupName: props.rotationLogGroupName,
    logEncryptionKey: props.logEncryptionKey,
    logRetention: props.logRetention,
    removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    vpc: props.vpc,
    vpcSubnets: props.vpcSubnets,
    securityGroups: props.securityGroups,
    environment,
    reservedConcurrentExecutions: concurrency,
    secretKey: key,
  });

  // RotationSchedule grants the function, on this secret only: DescribeSecret,
  // GetSecretValue, PutSecretValue, UpdateSecretVersionStage (and, for a key of this
  // stack, the key through Secrets Manager in the key policy); and
  // secretsmanager:GetRandomPassword on '*', because that action is not tied to any
  // resource (IAM accepts no other Resource for it).
  const rotationSchedule = secret.addRotationSchedule('RotationSchedule', {
    rotationLambda: rotationFunction,
    automaticallyAfter: rotationInterval,
    rotateImmediatelyOnUpdate: props.rotateImmediatelyOnUpdate,
  });
  restrictInvokePermissionToThisAccount(rotationFunction);

  if (props.registrationHook !== undefined) {
    // The unqualified function only (grantInvoke would add its versions and aliases, ':*'): the
    // rotation invokes HOOK_FUNCTION_ARN as given.
    iam.Grant.addToPrincipal({ grantee: role, actions: ['lambda:InvokeFunction'], resourceArns: [props.registrationHook.functionArn] });
    // The hook reads the pending (and current) value itself; it is never in the event payload.
    grantSecretRead(scope, props.registrationHook, secret, key, ['AWSPENDING', 'AWSCURRENT']);
  }

  // Only the rotation function's role (and the administrators) may write a value or move a label.
  applySecretAccessPolicy(scope, secret, key, props.allowedCrossAccountRoleArns ?? [], props.administratorArns, [role.roleArn]);

  return { secret, encryptionKey: key, rotationFunction, rotationSchedule, logGroup, rotationInterval };
}
