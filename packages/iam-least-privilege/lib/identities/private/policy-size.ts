import { Stack, Token } from 'aws-cdk-lib';
import { PolicyDocument } from 'aws-cdk-lib/aws-iam';
import { RegionInfo } from 'aws-cdk-lib/region-info';

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

function expand(value: unknown, pseudo: Record<string, number>): unknown {
  if (Array.isArray(value)) return value.map((v) => expand(v, pseudo));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    const [k] = keys;
    const arg = obj[k] as any;
    if (k === 'Ref') return 'x'.repeat(pseudo[arg as string] ?? OTHER_REFERENCE_MAX);
    if (k === 'Fn::GetAtt' || k === 'Fn::ImportValue') return 'x'.repeat(OTHER_REFERENCE_MAX);
    if (k === 'Fn::Join') return (expand(arg[1], pseudo) as unknown[]).map(String).join(String(arg[0]));
    if (k === 'Fn::Sub' && typeof arg === 'string') {
      return arg.replace(/\$\{([^}]+)\}/g, (_m, name: string) => 'x'.repeat(pseudo[name] ?? OTHER_REFERENCE_MAX));
    }
    if (k.startsWith('Fn::')) return 'x'.repeat(OTHER_REFERENCE_MAX);
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = expand(obj[key], pseudo);
  return out;
}

/**
 * Upper estimate of the characters IAM counts for a policy document: minified JSON (IAM does not
 * count whitespace for managed, inline and trust policies), with every intrinsic replaced by the
 * longest value it can take.
 */
export function estimatePolicyCharacters(stack: Stack, document: PolicyDocument): number {
  const resolved = stack.resolve(document.toJSON());
  const pseudo = { ...PSEUDO_PARAMETER_MAX };
  // A concrete region fixes the partition ('aws' for most), so use its real length.
  const partition = Token.isUnresolved(stack.region) ? undefined : RegionInfo.get(stack.region).partition;
  if (partition) pseudo['AWS::Partition'] = partition.length;
  if (!Token.isUnresolved(stack.region)) pseudo['AWS::Region'] = stack.region.length;
  return JSON.stringify(expand(resolved, pseudo)).length;
}
