import { Construct } from 'constructs';

/** Properties of a KeyHierarchy. */
export interface KeyHierarchyProps {
  /**
   * Alias prefix.
   * @default 'guardrails'
   */
  readonly aliasPrefix?: string;
}

/** Placeholder. */
export class KeyHierarchy extends Construct {
  constructor(scope: Construct, id: string, props: KeyHierarchyProps = {}) {
    super(scope, id);
    void props;
  }
}
