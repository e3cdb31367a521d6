import { globCovers } from '../../lib/identities/private/exemption-protection';

describe('globCovers: does a pattern match every string another pattern matches?', () => {
  test.each([
    ['*', 'anything*at?all', true],
    ['cdk-q-*', 'cdk-q-cfn-exec-role-*-eu-west-1', true],
    ['cdk-q-*', 'cdk-*-cfn-exec-role-*', false],
    ['break-glass', 'break-glass', true],
    ['break-glass', 'break-glas?', false],
    ['break-glas?', 'break-glass', true],
    // '?' covers one character, never a '*' that stands for many.
    ['a?b', 'a*b', false],
    ['a?b', 'a?b', true],
    ['a*b', 'a?b', true],
    ['a*', 'b*', false],
    ['*-eu-west-1', 'cdk-q-cfn-exec-role-*-eu-west-1', true],
    ['*-eu-west-1', 'cdk-q-cfn-exec-role-*', false],
  ])('%s covers %s: %s', (cover, pattern, expected) => {
    expect(globCovers(cover, pattern)).toBe(expected);
  });

  test('actions compare without case', () => {
    expect(globCovers('iam:*role*', 'iam:CreateRole', true)).toBe(true);
    expect(globCovers('iam:*role*', 'iam:CreateRole')).toBe(false);
  });
});
