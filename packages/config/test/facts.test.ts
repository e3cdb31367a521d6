/** The facts of @cdk-guardrails/facts hold for what aws-cdk-lib knows (the facts package cannot import it). */
import { DefaultLogClass, PolicySize } from '@cdk-guardrails/facts';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { ALLOWED_RETENTION_DAYS, KEY_ARN, KNOWN_REGIONS } from '../src/schema-primitives';

test('no region aws-cdk-lib knows has a longer name or partition than the size estimator assumes', () => {
  for (const region of RegionInfo.regions) {
    expect(region.name.length).toBeLessThanOrEqual(PolicySize.REGION_MAX_LENGTH);
    expect((region.partition ?? '').length).toBeLessThanOrEqual(PolicySize.PARTITION_MAX_LENGTH);
  }
  expect(KNOWN_REGIONS.length).toBeGreaterThan(20);
});

test.each(DefaultLogClass.ALL.map((c) => [c.name, c.retentionDays] as const))(
  'the default retention of %s (%d days) is one CloudWatch Logs accepts',
  (_name, days) => {
    expect(ALLOWED_RETENTION_DAYS).toContain(days);
  },
);

test.each([
  ['a partition that only starts with aws', 'arn:aws-x:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', false],
  ['a GovCloud key', 'arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', true],
  ['a region that is not a region name', 'arn:aws:kms:1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', false],
])('key ARNs in the config are checked with KmsKeyArn: %s', (_name, arn, ok) => {
  expect(KEY_ARN.safeParse(arn).success).toBe(ok);
});
