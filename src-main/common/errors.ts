/**
 * A problem the user can act on. It crosses process boundaries as data
 * (`{ code, message, file?, line?, field? }`), never as a thrown object.
 */
export type ErrorCode =
  | 'BAD_INPUT'
  | 'UNSUPPORTED_FORMAT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PROJECT_TOO_NEW'
  | 'PROJECT_DAMAGED'
  /** The project file (or its folder, or its disk) cannot be written by this user. */
  | 'PROJECT_READONLY'
  | 'CANCELLED'
  | 'INTERNAL';

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  /** File the problem is in (base name or path as the user gave it). */
  file?: string;
  /** 1-based line (text files) or record number. */
  line?: number;
  /** Column name, header key or binary field that is wrong. */
  field?: string;
}

export class UserError extends Error {
  readonly code: ErrorCode;
  readonly file?: string;
  readonly line?: number;
  readonly field?: string;

  constructor(code: ErrorCode, message: string, where: { file?: string; line?: number; field?: string } = {}) {
    super(message);
    this.name = 'UserError';
    this.code = code;
    this.file = where.file;
    this.line = where.line;
    this.field = where.field;
  }

  toInfo(): ErrorInfo {
    const info: ErrorInfo = { code: this.code, message: this.message };
    if (this.file !== undefined) info.file = this.file;
    if (this.line !== undefined) info.line = this.line;
    if (this.field !== undefined) info.field = this.field;
    return info;
  }
}

/** Shorthand for the most common case: bad content in an input file. */
export function badInput(file: string, message: string, where: { line?: number; field?: string } = {}): UserError {
  return new UserError('BAD_INPUT', message, { file, ...where });
}

export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof UserError) return err.toInfo();
  if (err instanceof Error) return { code: 'INTERNAL', message: err.message };
  return { code: 'INTERNAL', message: String(err) };
}
