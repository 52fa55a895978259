/** An expected failure of a device command: printed as one line, exit 1 (or the given code). */
export class AgentError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'AgentError';
  }
}
