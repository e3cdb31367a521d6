/** Actions a reader needs on a secret. */
export const SECRET_READ_ACTIONS = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'];

/**
 * What only the administrators may do to a secret of this package: stop or re-point its rotation
 * (`CancelRotateSecret`; `RotateSecret` with another function or schedule), re-key it with a key
 * the caller then disables (`UpdateSecret`), replace or remove its resource policy, delete it,
 * change where it is replicated, and re-tag it. What rotation itself needs stays open to the
 * identity policies (`PutSecretValue`, `UpdateSecretVersionStage`, reads): the hosted database
 * rotation runs with a role whose name this package does not know.
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
export const SECRET_VALUE_WRITE_ACTIONS = [
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecretVersionStage',
];
