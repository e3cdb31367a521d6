import { IamActions, PolicyKind, PolicyValidator } from '../../lib/validation';

describe('IamActions', () => {
  test('expands patterns to the named actions of the dataset', () => {
    const actions = IamActions.expand(['kms:GenerateDataKey*', 'kms:Decrypt', 'kms:decrypt']);
    expect(actions).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:GenerateDataKeyPair']));
    expect(actions.filter((a) => a === 'kms:Decrypt')).toHaveLength(1);
    expect(actions.every((a) => !a.includes('*'))).toBe(true);
  });

  test('an expanded key-policy statement passes WILDCARD_ACTION_ON_ALL_RESOURCES where the pattern failed', () => {
    const statement = (actions: string[]) => ({
      Statement: [{ Effect: 'Allow', Principal: { Service: 'logs.amazonaws.com' }, Action: actions, Resource: '*' }],
    });
    expect(PolicyValidator.validateDocument(statement(['kms:GenerateDataKey*']), PolicyKind.RESOURCE)).toHaveLength(1);
    expect(PolicyValidator.validateDocument(statement(IamActions.expand(['kms:GenerateDataKey*'])), PolicyKind.RESOURCE)).toEqual([]);
  });

  test('answers known / unknown', () => {
    expect(IamActions.isKnownAction('s3:GetObject')).toBe(true);
    expect(IamActions.isKnownAction('s3:GetObjekt')).toBe(false);
    expect(IamActions.isKnownConditionKey('aws:SourceIp')).toBe(true);
    expect(IamActions.isKnownConditionKey('aws:SourceIpAddress')).toBe(false);
  });

  test('fails if an entry is "*", malformed, of an unknown service, or matches nothing', () => {
    expect(() => IamActions.expand(['*'])).toThrow(
      /^IamActions\.expand: actions: received '\*', which is not '<service>:<action or pattern>'; expected '<service>:<action or pattern>' \(and '\*' cannot be expanded\)$/,
    );
    expect(() => IamActions.expand(['s4:Get*'])).toThrow(/service 's4'/);
    expect(() => IamActions.expand(['s3:Fetch*'])).toThrow(/'s3:Fetch\*', which matches no action/);
  });
});
