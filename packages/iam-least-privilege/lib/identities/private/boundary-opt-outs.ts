import { IConstruct } from 'constructs';

/** CloudFormation roles whose owner opted out of a boundary with a reason (LeastPrivilegeRole). */
const optedOut = new WeakMap<IConstruct, string>();

export function recordBoundaryOptOut(cfnRole: IConstruct, reason: string): void {
  optedOut.set(cfnRole, reason);
}

export function boundaryOptOutReason(cfnRole: IConstruct): string | undefined {
  return optedOut.get(cfnRole);
}
