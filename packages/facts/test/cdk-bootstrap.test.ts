import { CdkBootstrap } from '../lib';
import { globsIntersect } from '../lib/cdk-bootstrap';

describe('globsIntersect: does some string match both patterns?', () => {
  test.each([
    ['cdk-*-cfn-exec-role-*', 'cdk-hnb659fds-*', true],
    ['cdk-hnb*', 'cdk-hnb659fds-*', true],
    ['c?k-hnb659fds-x', 'cdk-hnb659fds-*', true],
    ['*-cfn-exec-role-*', 'cdk-hnb659fds-*', true],
    ['cdk-grdprod-*', 'cdk-hnb659fds-*', false],
    ['cdk-grd*-cfn-exec-role-*', 'cdk-hnb659fds-*', false],
    ['cdk-hnb659fd', 'cdk-hnb659fds-*', false],
    ['GuardrailsBreakGlass', 'cdk-hnb659fds-*', false],
    ['a*b', '*c', false],
    ['a*', '*b', true],
    ['a?c', 'a*', true],
    ['??', '???', false],
    ['', '*', true],
    ['', '?', false],
  ])('%s and %s: %s', (a, b, expected) => {
    expect(globsIntersect(a, b)).toBe(expected);
    expect(globsIntersect(b, a)).toBe(expected);
  });
});

describe('CdkBootstrap.patternMatchesDefaultRolesAnywhere: a role pattern of every account that matches a plain bootstrap role', () => {
  test.each([
    ['arn:aws:iam::*:role/cdk-hnb659fds-cfn-exec-role-*-eu-west-1', true],
    ['arn:aws:iam::*:role/cdk-*', true],
    ['arn:*:iam::*:role/c?k-hnb659fds-x', true],
    ['arn:aws:iam::*:role/CDK-HNB659FDS-*', true],
    ['arn:aws:iam::????????????:role/cdk-hnb659fds-*', true],
    ['arn:aws:iam::*:role/cdk-grdprod-*', false],
    ['arn:aws:iam::111122223333:role/cdk-hnb659fds-*', false],
    ['arn:aws:iam::111122223333:role/cdk-hnb659fds-cfn-exec-role-111122223333-eu-west-1', false],
    ['arn:aws:iam::*:role/GuardrailsBreakGlass', false],
    ['arn:aws:iam::*:user/cdk-hnb659fds-x', false],
  ])('%s: %s', (arn, expected) => {
    expect(CdkBootstrap.patternMatchesDefaultRolesAnywhere(arn)).toBe(expected);
  });
  test("the default qualifier is CDK's", () => {
    expect(CdkBootstrap.DEFAULT_QUALIFIER).toBe('hnb659fds');
  });
});
