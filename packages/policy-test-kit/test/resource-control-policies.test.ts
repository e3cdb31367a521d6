import { ALLOW_EVERYTHING, evaluate } from '../src';

// An RCP that denies S3 to principals outside the organization (AWS services exempt).
const perimeter = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: '*',
      Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abcdefghij' }, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } },
    },
  ],
};
const request = (context: Record<string, string>) => ({
  action: 's3:GetObject',
  principal: 'arn:aws:iam::111111111111:role/r',
  resource: 'arn:aws:s3:::b/k',
  resourceAccount: '111111111111',
  context,
});

describe('evaluate: resource control policies', () => {
  test('an RCP deny applies to a request the identity policy allows', async () => {
    await expect(
      evaluate({
        identityPolicies: [ALLOW_EVERYTHING],
        resourceControlPolicies: [perimeter],
        request: request({ 'aws:PrincipalOrgID': 'o-otherorg00', 'aws:PrincipalIsAWSService': 'false' }),
      }),
    ).resolves.toBe('ExplicitlyDenied');
  });

  test('control: a request the RCP does not deny is allowed', async () => {
    await expect(
      evaluate({
        identityPolicies: [ALLOW_EVERYTHING],
        resourceControlPolicies: [perimeter],
        request: request({ 'aws:PrincipalOrgID': 'o-abcdefghij', 'aws:PrincipalIsAWSService': 'false' }),
      }),
    ).resolves.toBe('Allowed');
  });

  test('an RCP with an Allow statement is rejected, never evaluated (AWS allows none but RCPFullAWSAccess)', async () => {
    const allow = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }] };
    await expect(
      evaluate({ identityPolicies: [ALLOW_EVERYTHING], resourceControlPolicies: [allow], request: request({ 'aws:PrincipalOrgID': 'o-abcdefghij' }) }),
    ).rejects.toThrow(/Effect must be .*Deny.* in a resource control policy/);
  });

  test('an AWS service principal is not denied by the identity perimeter (BoolIfExists aws:PrincipalIsAWSService)', async () => {
    await expect(
      evaluate({
        resourceControlPolicies: [perimeter],
        resourcePolicy: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetObject', Resource: '*' }],
        },
        request: { ...request({ 'aws:PrincipalIsAWSService': 'true' }), principal: 'cloudtrail.amazonaws.com' },
      }),
    ).resolves.toBe('Allowed');
  });
});
