import { IConstruct } from 'constructs';

/** Scopes whose roles and users have no boundary on purpose, with the reason. */
const optedOut = new WeakMap<IConstruct, string>();

export function recordBoundaryOptOut(scope: IConstruct, reason: string): void {
  optedOut.set(scope, reason);
}

/** The opt-out reason recorded on the construct or one of its ancestors, if any. */
export function boundaryOptOutReason(construct: IConstruct): string | undefined {
  for (const scope of [...construct.node.scopes].reverse()) {
    const reason = optedOut.get(scope);
    if (reason !== undefined) return reason;
  }
  return undefined;
}
