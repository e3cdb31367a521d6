import { join } from 'node:path';

/** The repository root: the sources (src/) and the compiled output (dist/) both sit at packages/ops-tools/<folder>/. */
export const ROOT = join(__dirname, '..', '..', '..');

/** The app folders under apps/, in deployment order: the security account (central keys and log destinations) first. */
export const APPS: readonly string[] = ['security-account', 'workload-account'];
