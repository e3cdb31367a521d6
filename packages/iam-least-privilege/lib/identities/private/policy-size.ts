import { Stack } from 'aws-cdk-lib';
import { PolicyDocument } from 'aws-cdk-lib/aws-iam';

/**
 * Worst-case length of the values CloudFormation substitutes for intrinsics, so a size estimate
 * made at synth time is never smaller than what IAM will count at deploy time.
 */
const PSEUDO_PARAMETER_MAX: Record<string, number> = {
  'AWS::Partition': 10, // 'aws-us-gov'
  'AWS::AccountId': 12,
  'AWS::Region': 16, // longest names today are 14 characters ('ap-southeast-5')
  'AWS::URLSuffix': 'amazonaws.com.cn'.length,
  'AWS::StackName': 128,
};
/** ARNs and names produced by other resources: IAM role ARNs may reach 2,048 characters; use a realistic 200. */
const OTHER_REFERENCE_MAX = 200;

function expand(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(expand);
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    const [k] = keys;
    const arg = obj[k] as any;
    if (k === 'Ref') return 'x'.repeat(PSEUDO_PARAMETER_MAX[arg as string] ?? OTHER_REFERENCE_MAX);
    if (k === 'Fn::GetAtt' || k === 'Fn::ImportValue') return 'x'.repeat(OTHER_REFERENCE_MAX);
    if (k === 'Fn::Join') return (expand(arg[1]) as unknown[]).map(String).join(String(arg[0]));
    if (k === 'Fn::Sub' && typeof arg === 'string') {
      return arg.replace(/\$\{([^}]+)\}/g, (_m, name: string) => 'x'.repeat(PSEUDO_PARAMETER_MAX[name] ?? OTHER_REFERENCE_MAX));
    }
    if (k.startsWith('Fn::')) return 'x'.repeat(OTHER_REFERENCE_MAX);
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = expand(obj[key]);
  return out;
}

/**
 * Upper estimate of the characters IAM counts for a policy document: minified JSON (IAM does not
 * count whitespace for managed, inline and trust policies), with every intrinsic replaced by the
 * longest value it can take.
 */
export function estimatePolicyCharacters(stack: Stack, document: PolicyDocument): number {
  const resolved = stack.resolve(document.toJSON());
  return JSON.stringify(expand(resolved)).length;
}
