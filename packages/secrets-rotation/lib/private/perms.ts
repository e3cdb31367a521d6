/** Actions a reader needs on a secret. */
export const SECRET_READ_ACTIONS = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'];

/**
 * What only the administrators may do to a secret of this package: stop or re-point its rotation
 * (`CancelRotateSecret`; `RotateSecret` with another function or schedule), re-key it with a key
 * the caller then disables (`UpdateSecret`), replace or remove its resource policy, delete it,
 * change where it is replicated, and re-tag it. What rotation itself needs is not here:
 * SECRET_VALUE_WRITE_ACTIONS are denied separately, to all but the rotation role and the
 * administrators, where the rotation role is known (API keys and tokens); on database secrets they
 * stay open to the identity policies (the hosted rotation's role has a name nobody chooses).
 */
export const SECRET_TAMPER_ACTIONS = [
  'secretsmanager:CancelRotateSecret',
  'secretsmanager:RotateSecret',
  'secretsmanager:UpdateSecret',
  'secretsmanager:PutResourcePolicy',
  'secretsmanager:DeleteResourcePolicy',
  'secretsmanager:DeleteSecret',
  'secretsmanager:ReplicateSecretToRegions',
  'secretsmanager:RemoveRegionsFromReplication',
  'secretsmanager:StopReplicationToReplica',
  'secretsmanager:TagResource',
  'secretsmanager:UntagResource',
];

/** Writing a secret's value or moving its version labels: what a rotation does, and what planting a value needs. */
export const SECRET_VALUE_WRITE_ACTIONS = ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'];
