/** Raised for anything the operator must fix; the scripts print the message and exit 1 (2 for usage). */
export class OpsError extends Error {
  public readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'OpsError';
    this.exitCode = exitCode;
  }
}
