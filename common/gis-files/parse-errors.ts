/**
 * The one error a bad import file produces. The CLI prints `error: <message>` and exits 2; the
 * HTTP layer answers 400 with the same message.
 */
export class ImportError extends Error {
  readonly file: string;
  readonly feature?: string;
  readonly problem: string;

  constructor(file: string, problem: string, feature?: string) {
    super(feature ? `${file}: ${feature}: ${problem}` : `${file}: ${problem}`);
    this.name = 'ImportError';
    this.file = file;
    this.feature = feature;
    this.problem = problem;
  }

  /** The single line the CLI prints. */
  toLine(): string {
    return `error: ${this.message.replace(/\s*\n\s*/g, ' ')}`;
  }
}

/** A parser-level failure without a file name yet (parsers are pure and do not know the file). */
export class ParseFailure extends Error {
  constructor(
    readonly problem: string,
    readonly feature?: string,
  ) {
    super(feature ? `${feature}: ${problem}` : problem);
    this.name = 'ParseFailure';
  }
}
