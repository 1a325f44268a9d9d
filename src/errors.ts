/**
 * The one error type of stablepick. Every failure a user can cause or meet is a StablepickError with a
 * machine-readable code, a one-line message that says what is wrong, and a hint that says what to do.
 * The CLI prints `stablepick: <message> — <hint>` and exits non-zero; it never prints a stack trace.
 */
export type ErrorCode =
  | 'GIT_MISSING'
  | 'NOT_A_REPOSITORY'
  | 'UNKNOWN_REVISION'
  | 'SHALLOW_REPOSITORY'
  | 'MISSING_OBJECT'
  | 'GIT_FAILED'
  | 'BAD_ARGUMENT'
  | 'BAD_CONFIG'
  | 'INDEX_MISSING'
  | 'INDEX_BUSY'
  | 'INDEX_CORRUPT'
  | 'INDEX_NEWER'
  | 'NOT_FOUND'
  | 'AMBIGUOUS'
  | 'UNVERIFIED_FACT'
  | 'NOT_MAILABLE'
  | 'SMTP_FAILED'
  | 'IO';

export class StablepickError extends Error {
  readonly code: ErrorCode;
  readonly hint: string;

  constructor(code: ErrorCode, message: string, hint = '', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StablepickError';
    this.code = code;
    this.hint = hint;
  }

  /** The single line the CLI prints. */
  oneLine(): string {
    const msg = this.message.replace(/\s*\n\s*/g, ' ').trim();
    return this.hint ? `${msg} — ${this.hint}` : msg;
  }
}

export function isStablepickError(e: unknown): e is StablepickError {
  return e instanceof StablepickError;
}
