import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { RotationLimits } from '../rotation-limits';
import { propError } from './errors';

/**
 * Validate a rotation interval against Secrets Manager's limits (4 hours to 1000 days,
 * whole hours because the schedule is written as `rate(N hours|days)`) and against an
 * optional ceiling set by the caller (for example the prod class limits).
 *
 * Rotation can never be switched off through these constructs: a zero interval (which
 * CDK would accept as "no rotation rules") is rejected.
 */
export function validateRotationInterval(scope: Construct, propName: string, interval: Duration, ceiling: Duration | undefined): void {
  if (interval.isUnresolved()) {
    return;
  }
  const ms = interval.toMilliseconds();
  const min = Duration.hours(RotationLimits.MIN_INTERVAL_HOURS);
  const max = Duration.days(RotationLimits.MAX_INTERVAL_DAYS);
  const allowed = `Secrets Manager allows ${RotationLimits.MIN_INTERVAL_HOURS} hours to ${RotationLimits.MAX_INTERVAL_DAYS} days, in whole hours`;
  if (ms < min.toMilliseconds() || ms > max.toMilliseconds()) {
    throw propError(
      scope,
      propName,
      interval.toHumanString(),
      `between ${RotationLimits.MIN_INTERVAL_HOURS} hours and ${RotationLimits.MAX_INTERVAL_DAYS} days (${allowed})`,
    );
  }
  if (ms % Duration.hours(1).toMilliseconds() !== 0) {
    throw propError(scope, propName, interval.toHumanString(), `a whole number of hours (${allowed})`);
  }
  if (ceiling !== undefined && !ceiling.isUnresolved() && ms > ceiling.toMilliseconds()) {
    throw propError(
      scope,
      propName,
      interval.toHumanString(),
      `at most the configured maximum of ${ceiling.toHumanString()} (maxRotationInterval), which it exceeds`,
    );
  }
}
