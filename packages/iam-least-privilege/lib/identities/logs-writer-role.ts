import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LeastPrivilegeRole, LeastPrivilegeRoleProps } from './least-privilege-role';
import { childPath, propError } from '../private/errors';

/**
 * Properties of a {@link LogsWriterRole}.
 */
export interface LogsWriterRoleProps extends LeastPrivilegeRoleProps {
  /**
   * Pre-created log groups the role may write to (create streams and put events). This is the
   * recommended mode: the platform creates the groups with their retention, KMS key and
   * subscription filter, and the writer can do nothing else.
   *
   * @default - none; then `allowCreateLogGroup` must be true
   */
  readonly logGroups?: logs.ILogGroup[];

  /**
   * Also allow `logs:CreateLogGroup` (and writing) for log groups whose name starts with
   * `logGroupNamePrefix`.
   *
   * Tradeoff: `logs:CreateLogGroup` cannot be tied to a retention period, a KMS key or a
   * subscription filter, so a group the writer creates itself is unencrypted (service-owned key
   * only), never expires and is not forwarded to the central logging account until something
   * fixes it up. The popular `AWSLambdaBasicExecutionRole` grants it on every log group of the
   * account; here it is at least limited to a name prefix. Prefer pre-created groups
   * (`logGroups`); use this only for writers that choose their group names at run time.
   *
   * @default false
   */
  readonly allowCreateLogGroup?: boolean;

  /**
   * Name prefix of the log groups the role may create when `allowCreateLogGroup` is true
   * (for example '/app/orders/'). Required in that mode; no wildcards.
   *
   * @default - none
   */
  readonly logGroupNamePrefix?: string;
}

/** Writing events into an existing group: no DescribeLogStreams, no read, no delete. */
const WRITE_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];

/**
 * A least-privilege role that can only write log events: to named, pre-created log groups, or
 * (opt-in) to groups it creates under a fixed name prefix.
 */
export class LogsWriterRole extends LeastPrivilegeRole {
  constructor(scope: Construct, id: string, props: LogsWriterRoleProps) {
    // Checked before super(): errors name the path this construct would have.
    const path = childPath(scope, id);
    const groups = props.logGroups ?? [];
    if (groups.length === 0 && !props.allowCreateLogGroup) {
      throw propError(
        path,
        'logGroups',
        'no log groups and allowCreateLogGroup is not true',
        'at least one log group',
        'Pass the pre-created log groups the role writes to, or allowCreateLogGroup: true with a logGroupNamePrefix',
      );
    }
    if (props.allowCreateLogGroup) {
      validatePrefix(path, props.logGroupNamePrefix);
    } else if (props.logGroupNamePrefix !== undefined) {
      throw propError(
        path,
        'logGroupNamePrefix',
        `'${props.logGroupNamePrefix}' but allowCreateLogGroup is not true`,
        'no logGroupNamePrefix, or allowCreateLogGroup: true',
        'The prefix only applies when the role may create log groups',
      );
    }

    super(scope, id, props);

    for (const group of groups) {
      this.addLogGroup(group);
    }
    if (props.allowCreateLogGroup) {
      const stack = Stack.of(this);
      const groupArn = stack.formatArn({
        service: 'logs',
        resource: 'log-group',
        resourceName: `${props.logGroupNamePrefix}*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
      this.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'CreateLogGroupsUnderPrefix',
          actions: ['logs:CreateLogGroup', ...WRITE_ACTIONS],
          // The group ARN for CreateLogGroup, the ':*' form for its streams.
          resources: [groupArn, `${groupArn}:*`],
        }),
      );
    }
  }

  /** Allow writing to one more pre-created log group. */
  public addLogGroup(logGroup: logs.ILogGroup): iam.Grant {
    return logGroup.grant(this, ...WRITE_ACTIONS);
  }
}

function validatePrefix(path: string, prefix: string | undefined): void {
  if (prefix === undefined || (!Token.isUnresolved(prefix) && prefix.length === 0)) {
    throw propError(
      path,
      'logGroupNamePrefix',
      'nothing',
      "a log group name prefix such as '/app/orders/' (allowCreateLogGroup requires one, so the role cannot create groups anywhere in the account)",
    );
  }
  if (Token.isUnresolved(prefix)) return;
  if (!/^[\w\-/.#]{1,511}$/.test(prefix)) {
    throw propError(path, 'logGroupNamePrefix', `'${prefix}'`, 'letters, digits and _-/.# only (no wildcards)');
  }
}
