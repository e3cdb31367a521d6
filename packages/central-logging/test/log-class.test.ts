/** The log classes, their default retention and the IAM-events region come from @cdk-guardrails/facts; this package's enum, defaults and forwarder agree with it. */
import { DefaultLogClass, IamEvents } from '@cdk-guardrails/facts';
import * as logs from 'aws-cdk-lib/aws-logs';
import { LogClass, SecurityEventCapture } from '../lib';
import { LOG_CLASSES } from '../lambda-src/forwarder/limits';

test('LogClass and the forwarder name the classes of DefaultLogClass, in its order', () => {
  expect(Object.values(LogClass)).toEqual(DefaultLogClass.ALL.map((c) => c.name));
  expect([...LOG_CLASSES]).toEqual(DefaultLogClass.ALL.map((c) => c.name));
});

test.each([
  [DefaultLogClass.AUDIT, logs.RetentionDays.TEN_YEARS],
  [DefaultLogClass.SECURITY, logs.RetentionDays.THREE_MONTHS],
  [DefaultLogClass.APP, logs.RetentionDays.ONE_MONTH],
])('%#: the default retention is the documented RetentionDays value', (cls, days) => {
  expect(cls.retentionDays).toBe(days);
});

test('IAM changes are captured in the IAM-events region of the facts', () => {
  expect(SecurityEventCapture.IAM_EVENTS_REGION).toBe(IamEvents.REGION);
});
