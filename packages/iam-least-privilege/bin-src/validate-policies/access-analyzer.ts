/**
 * The IAM Access Analyzer phase of validate-policies (with credentials): per template, the
 * physical ids of the deployed stack, the policies rendered with them (so ARNs match what is
 * deployed), then ValidatePolicy on every policy and the custom checks (custom-checks.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { AccessAnalyzerClient, ValidatePolicyCommand, type ValidatePolicyFinding, type ValidatePolicyResourceType } from '@aws-sdk/client-accessanalyzer';
import { checkAccessNotGranted, checkNoNewAccess, checkNoPublicAccess, CheckOutcome, CustomCheckInput } from './custom-checks';
import { DeployedPolicies, StackResources } from './deployed';
import { extractPolicies, RenderContext, suppressionsOf, type CfnTemplate } from '../../lib/validation/private/template-policies';

export interface StackInfo extends RenderContext {
  /** The stack name of the manifest (the deployed stack to compare with). */
  readonly stackName?: string;
  /** logical id -> construct path, from the manifest's aws:cdk:logicalId metadata */
  readonly constructPaths: Map<string, string>;
}

export type AccessAnalyzerOutcome = CheckOutcome;

export interface AccessAnalyzerRun {
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  readonly region: string;
  readonly dir: string;
  readonly templates: string[];
  readonly scpFiles: string[];
  /** The RCP files (`rcp/*.json`): ValidatePolicy with the RESOURCE_CONTROL_POLICY type. */
  readonly rcpFiles?: string[];
  readonly infos: Map<string, StackInfo>;
  readonly accessNotGranted: readonly string[];
  readonly out: AccessAnalyzerOutcome;
}

/** The CheckNoNewAccess tally, printed at the end so a run says how much it could compare. */
interface NewAccessTally {
  compared: number;
  newPolicies: number;
  notCompared: number;
}

export async function runAccessAnalyzer(run: AccessAnalyzerRun): Promise<void> {
  const client = new AccessAnalyzerClient({ region: run.region, credentials: run.credentials });
  const deployed = new DeployedPolicies(run.credentials, run.region);
  const tally: NewAccessTally = { compared: 0, newPolicies: 0, notCompared: 0 };
  const out = run.out;
  const boundaries = permissionsBoundaries(run.templates);

  for (const templatePath of run.templates) {
    const rel = path.relative(run.dir, templatePath);
    const template: CfnTemplate = JSON.parse(fs.readFileSync(templatePath, 'utf8'));
    const info = run.infos.get(path.resolve(templatePath));
    const stackRegion = info?.region ?? run.region;
    const stack: StackResources = info?.stackName
      ? await deployed.stackResources(info.stackName, stackRegion)
      : { missing: 'the manifest names no stack (a template outside a cloud assembly)', isNew: false };
    const physicalIds = 'physicalIds' in stack ? stack.physicalIds : undefined;
    const stackMissing = 'missing' in stack ? stack : undefined;
    if (stackMissing)
      out.notes.push(`  note CheckNoNewAccess ${rel}: ${stackMissing.missing}${stackMissing.isNew ? ': new policies, nothing to compare' : ''}`);

    for (const policy of extractPolicies(template, { account: info?.account, region: info?.region, physicalIds })) {
      const resource = template.Resources?.[policy.logicalId] ?? {};
      const constructPath = resource.Metadata?.['aws:cdk:path'] ?? info?.constructPaths.get(policy.logicalId);
      const input: CustomCheckInput = {
        name: `${rel} ${constructPath ? `${constructPath} (${policy.logicalId})` : policy.logicalId} ${policy.location}`,
        document: JSON.stringify(policy.rendered),
        policyType: policy.accessAnalyzerPolicyType,
        publicAccessResourceType: policy.publicAccessResourceType,
        suppressions: suppressionsOf(resource),
      };
      await validatePolicy(client, input, policy.accessAnalyzerResourceType, out);
      await checkNoPublicAccess(client, input, out);
      if (input.policyType === 'IDENTITY_POLICY' && run.accessNotGranted.length > 0) {
        // A permissions boundary caps what its roles may do; it grants nothing (its Allow * is the cap).
        if (isBoundary(policy.resourceType, policy.logicalId, resource, boundaries)) {
          out.notes.push(`  note CheckAccessNotGranted ${input.name}: a permissions boundary (it grants nothing), not checked`);
        } else {
          await checkAccessNotGranted(client, input, run.accessNotGranted, out);
        }
      }
      if (!physicalIds) {
        if (stackMissing?.isNew) tally.newPolicies++;
        else tally.notCompared++;
        continue;
      }
      const current = await deployed.policy({ ...policy, resource, physicalIds, region: stackRegion });
      if ('document' in current) {
        tally.compared++;
        await checkNoNewAccess(client, input, current.document, out);
      } else {
        if (current.isNew) tally.newPolicies++;
        else tally.notCompared++;
        out.notes.push(`  note CheckNoNewAccess ${input.name}: ${current.missing}${current.isNew ? ': new policy, nothing to compare' : ''}`);
      }
    }
  }

  for (const [files, policyType] of [
    [run.scpFiles, 'SERVICE_CONTROL_POLICY'],
    [run.rcpFiles ?? [], 'RESOURCE_CONTROL_POLICY'],
  ] as const) {
    for (const file of files) {
      const rel = path.relative(run.dir, file);
      let document: string;
      try {
        document = JSON.stringify(JSON.parse(fs.readFileSync(file, 'utf8')));
      } catch {
        continue; // reported by the offline validator as MALFORMED_POLICY
      }
      // The custom checks take identity and resource policies only: an SCP or RCP gets ValidatePolicy.
      await validatePolicy(client, { name: rel, document, policyType, suppressions: [] }, undefined, out);
    }
  }

  out.notes.push(
    `  CheckNoNewAccess: ${tally.compared} policies compared with their deployed version, ${tally.newPolicies} new (nothing to compare), ` +
      `${tally.notCompared} not compared (deployed version not read; see the notes above)`,
  );
}

/** Every PermissionsBoundary value of the assembly's roles and users, as JSON text (Refs and ARNs with the policy name). */
function permissionsBoundaries(templates: string[]): string {
  const parts: string[] = [];
  for (const file of templates) {
    const resources = (JSON.parse(fs.readFileSync(file, 'utf8')) as CfnTemplate).Resources ?? {};
    for (const r of Object.values(resources)) {
      if (r?.Properties?.PermissionsBoundary !== undefined) parts.push(JSON.stringify(r.Properties.PermissionsBoundary));
    }
  }
  return parts.join('\n');
}

/** A managed policy that some role or user of the assembly uses as its permissions boundary (by Ref in its template, or by name in an ARN). */
function isBoundary(type: string, logicalId: string, resource: { Properties?: Record<string, any> }, boundaries: string): boolean {
  if (type !== 'AWS::IAM::ManagedPolicy') return false;
  const name = resource.Properties?.ManagedPolicyName;
  return boundaries.includes(JSON.stringify({ Ref: logicalId })) || (typeof name === 'string' && boundaries.includes(`:policy/${name}`));
}

async function validatePolicy(client: AccessAnalyzerClient, input: CustomCheckInput, resourceType: string | undefined, out: CheckOutcome): Promise<void> {
  const findings: ValidatePolicyFinding[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ValidatePolicyCommand({
        policyDocument: input.document,
        policyType: input.policyType,
        validatePolicyResourceType: resourceType as ValidatePolicyResourceType | undefined,
        nextToken,
      }),
    );
    findings.push(...(page.findings ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  for (const f of findings) {
    const line = `${input.name} ${f.findingType} ${f.issueCode}: ${f.findingDetails} (${f.learnMoreLink})`;
    if (f.findingType === 'ERROR' || f.findingType === 'SECURITY_WARNING') out.failures.push(`  FAIL access-analyzer ${line}`);
    else out.notes.push(`  note access-analyzer ${line}`);
  }
}
