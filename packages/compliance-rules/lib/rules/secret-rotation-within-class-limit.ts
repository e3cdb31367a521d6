import { CfnResource, Duration } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { flatten, renderedProperties, resourceByLogicalId, resourcesOfType } from '../private/cfn';
import { NagRule, namedRule } from '../private/rule';
import { intervalHours } from '../private/rotation';

/** Rotation limits per class of secret. */
export interface SecretRotationLimits {
  /** Longest rotation interval of database credentials. */
  readonly database: Duration;
  /** Longest rotation interval of API keys and service tokens. */
  readonly token: Duration;
}

/**
 * Secrets rotate within the limit of their class: database credentials within
 * `limits.database` (30 days in the project), API keys and service tokens within
 * `limits.token` (90 days).
 *
 * How the class is told (an assumption, written down): a rotation schedule with
 * `HostedRotationLambda` (Secrets Manager's managed rotation for MySQL, PostgreSQL, Oracle,
 * MariaDB, SQL Server, Redshift, MongoDB) rotates database credentials; so does a schedule of a
 * secret attached to a database (`AWS::SecretsManager::SecretTargetAttachment`: the schedule's
 * `SecretId` is the attachment, as aws-cdk-lib's `DatabaseInstance.addRotationSingleUser`
 * writes it, or an attachment of the template names the secret), and a schedule whose secret's
 * generated JSON carries an `engine` field (the structure Secrets Manager's database rotation
 * functions require). Every other rotated secret is a token. A `cron()`
 * or `at()` schedule cannot be measured and is reported: use `rate(N days)`.
 *
 * @param limits the class limits
 */
export function SecretRotationWithinClassLimit(limits: SecretRotationLimits): NagRule {
  return namedRule('SecretRotationWithinClassLimit', (node: CfnResource): NagRuleResult => {
    if (node.cfnResourceType !== 'AWS::SecretsManager::RotationSchedule') return NagRuleCompliance.NOT_APPLICABLE;
    const props = renderedProperties(node);
    const limit = isDatabaseSecret(node, props) ? limits.database : limits.token;
    const hours = intervalHours(props.RotationRules);
    if (hours === undefined) return NagRuleCompliance.NON_COMPLIANT;
    return hours <= limit.toHours({ integral: false }) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  });
}

function isDatabaseSecret(node: CfnResource, props: Record<string, any>): boolean {
  if (props.HostedRotationLambda !== undefined) return true;
  const secretRef = props.SecretId?.Ref;
  const secret = typeof secretRef === 'string' ? resourceByLogicalId(node, secretRef) : undefined;
  if (!secret) return false;
  // The attachment adds the database's engine, host and port to the secret: a database credential.
  if (secret.cfnResourceType === 'AWS::SecretsManager::SecretTargetAttachment') return true;
  if (resourcesOfType(node, 'AWS::SecretsManager::SecretTargetAttachment').some((attachment) => renderedProperties(attachment).SecretId?.Ref === secretRef)) {
    return true;
  }
  const template = renderedProperties(secret).GenerateSecretString?.SecretStringTemplate;
  if (template === undefined) return false;
  try {
    const parsed = JSON.parse(flatten(template));
    return parsed !== null && typeof parsed === 'object' && 'engine' in parsed;
  } catch {
    return false;
  }
}
