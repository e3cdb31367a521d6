import { problemsOf, validConfig } from './support/configs';
import { parseConfig } from '../src';

describe('config compliance (owner and review date of the by-design waivers)', () => {
  test('control: an owner and a real date are accepted', () => {
    expect(parseConfig(validConfig(), 'dev').compliance).toEqual({ waiverOwner: 'guardrails-maintainers', waiverReviewBy: '2027-06-01' });
  });

  test.each([
    [{ waiverOwner: ' ', waiverReviewBy: '2027-06-01' }, /compliance\.waiverOwner.*expected the team that owns the guardrails/],
    [{ waiverOwner: 'guardrails-maintainers', waiverReviewBy: '2027-02-30' }, /compliance\.waiverReviewBy.*expected a calendar date YYYY-MM-DD/],
    [{ waiverOwner: 'guardrails-maintainers' }, /compliance\.waiverReviewBy/],
  ])('refuses %j', (compliance, message) => {
    expect(problemsOf({ ...validConfig(), compliance })).toMatch(message);
  });

  test('the section is required: without it the by-design waivers would have no owner and no expiry', () => {
    const { compliance: _, ...rest } = validConfig();
    expect(problemsOf(rest)).toMatch(/compliance/);
  });
});
