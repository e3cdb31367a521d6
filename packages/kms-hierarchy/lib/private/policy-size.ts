/** AWS KMS key policy size limit (bytes). */
export const KEY_POLICY_MAX_BYTES = 32768;

/** The shortest value each pseudo parameter can take (a stand-in of that length). */
const PSEUDO_PARAMETER_MIN: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::AccountId': '000000000000',
  'AWS::Region': 'xx-xxxx-1', // the shortest region names have 9 characters (eu-west-1)
  'AWS::URLSuffix': 'amazonaws.com',
};

/**
 * A lower bound of the deployed size of a resolved CloudFormation policy: literal text is
 * counted, pseudo parameters at their shortest value, other values only known at deploy time
 * (Ref, GetAtt, imports) count as empty. If even the
 * lower bound is over the limit, the deployment would certainly fail.
 */
export function policyLowerBoundBytes(resolved: unknown): number {
  return Buffer.byteLength(JSON.stringify(flatten(resolved)), 'utf8');
}

function flatten(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(flatten);
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1 && keys[0] === 'Ref' && typeof obj.Ref === 'string' && obj.Ref in PSEUDO_PARAMETER_MIN) {
    // Pseudo parameters have a known shortest value: counting it keeps the bound a lower bound
    // while not missing e.g. the 'aws' of every principal ARN (3 bytes each, 1,000s in long lists).
    return PSEUDO_PARAMETER_MIN[obj.Ref];
  }
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
    if (keys[0] === 'Fn::Join') {
      const [sep, parts] = obj['Fn::Join'] as [string, unknown[]];
      return (Array.isArray(parts) ? parts : []).map((p) => (typeof p === 'string' ? p : flattenToString(p))).join(sep);
    }
    return '';
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    out[key] = flatten(obj[key]);
  }
  return out;
}

function flattenToString(value: unknown): string {
  const flat = flatten(value);
  return typeof flat === 'string' ? flat : '';
}
