/**
 * One way to collect "every problem" and to say them. Configuration readers (the authorizer's
 * document, its environment, the revoke endpoint's settings) record each problem and carry on,
 * so a bad deployment fails once, at cold start or synth time, with the whole list — in one
 * message format wherever it comes from: a title line, then one `- problem` per line.
 */

/** Collects problems, each prefixed with the path of the field it concerns (when it has one). */
export class Problems {
  readonly list: string[] = [];

  /** Records `message` about the field at `path` (`revocation.tableName`); '' for the document as a whole. */
  add(path: string, message: string): void {
    this.list.push(path ? `${path}: ${message}` : message);
  }

  /** Records problems another reader already worded. */
  addAll(problems: readonly string[]): void {
    this.list.push(...problems);
  }

  get isEmpty(): boolean {
    return this.list.length === 0;
  }
}

/**
 * The one message format: `<title> (<n> problem[s]):` and then `- <problem>` on a line each.
 * Errors that carry a problem list build their message with this.
 */
export function describeProblems(title: string, problems: readonly string[]): string {
  return `${title} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n- ${problems.join('\n- ')}`;
}
