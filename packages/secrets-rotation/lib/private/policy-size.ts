/** Secrets Manager: a resource policy may be up to 20,480 characters. */
export const SECRET_POLICY_MAX_CHARS = 20480;

/** The longest value each pseudo parameter can take. */
const PSEUDO_PARAMETER_MAX: Record<string, number> = {
  'AWS::Partition': 'aws-us-gov'.length,
  'AWS::AccountId': 12,
  'AWS::Region': 16,
  'AWS::URLSuffix': 'amazonaws.com.cn'.length,
};
/** Other references (bucket and key ARNs, names): a realistic maximum. */
const OTHER_REFERENCE_MAX = 200;

/**
 * A conservative (upper) estimate of the deployed size of a resolved CloudFormation policy:
 * literal text is counted, every intrinsic at the longest value it can realistically take. A
 * lower bound is not enough: a policy that passed synth could still be refused at deploy time.
 */
export function policyUpperBoundChars(resolved: unknown): number {
  return JSON.stringify(expand(resolved)).length;
}

function expand(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(expand);
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
    const [k] = keys;
    const arg = obj[k] as any;
    if (k === 'Ref') return 'x'.repeat(PSEUDO_PARAMETER_MAX[arg as string] ?? OTHER_REFERENCE_MAX);
    if (k === 'Fn::Join' && Array.isArray(arg) && Array.isArray(arg[1])) return (arg[1] as unknown[]).map((p) => String(expand(p))).join(String(arg[0]));
    if (k === 'Fn::Sub' && typeof arg === 'string') {
      return arg.replace(/\$\{([^}]+)\}/g, (_m, name: string) => 'x'.repeat(PSEUDO_PARAMETER_MAX[name] ?? OTHER_REFERENCE_MAX));
    }
    return 'x'.repeat(OTHER_REFERENCE_MAX);
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = expand(obj[key]);
  return out;
}
