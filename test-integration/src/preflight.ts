// Jest globalSetup of `npm run test:integration`: reads the stack outputs, resolves credentials
// per account once, prints what will run and what will be skipped (and why), and hands the
// result to the suites through a file named in GUARDRAILS_PREFLIGHT_FILE.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccountAccess, parseAccountProfiles, resolveAccess } from './credentials';
import { readDeployedStacks } from './outputs';

export interface Preflight {
  readonly outputsSkipReason?: string;
  readonly access: Record<string, AccountAccess>;
}

export default async function preflight(): Promise<void> {
  const outputs = readDeployedStacks();
  let result: Preflight;
  const lines = ['', 'cdk-guardrails integration preflight'];
  if (!outputs.ok) {
    result = { outputsSkipReason: outputs.reason, access: {} };
    lines.push(`  every suite is skipped: ${outputs.reason}`);
  } else {
    const access = await resolveAccess(outputs.stacks, parseAccountProfiles(process.env.GUARDRAILS_ACCOUNT_PROFILES));
    result = { access };
    lines.push(`  environment ${outputs.environment}, ${outputs.stacks.length} stacks from ${outputs.file}`);
    for (const [account, a] of Object.entries(access)) {
      lines.push(
        a.ok
          ? `  account ${account}: ${a.profile ? `profile ${a.profile}` : 'default credentials'} -> ${a.arn}`
          : `  account ${account}: its checks are skipped: ${a.reason}`,
      );
    }
  }
  if (process.env.GUARDRAILS_INTEGRATION_STRICT === '1') lines.push('  GUARDRAILS_INTEGRATION_STRICT=1: a skip is a failure');
  console.log(lines.join('\n') + '\n');
  const file = join(mkdtempSync(join(tmpdir(), 'guardrails-it-')), 'preflight.json');
  writeFileSync(file, JSON.stringify(result));
  process.env.GUARDRAILS_PREFLIGHT_FILE = file;
}
