import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../common/errors';

/**
 * What SQLite's complaints mean for the project file they came from, worded so the user can act
 * on them. Opening a project reports through here, and so do the CLI and the app for errors of
 * later queries and writes, so a message always names the file. SQLite rolls back the statement
 * or transaction that failed, so each message can say what was kept.
 */
export function projectError(err: unknown, file: string): unknown {
  const code = sqliteCode(err);
  if (code === null) return err;
  const name = path.basename(file);
  const reason = (err as Error).message;
  if (code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB')) return damagedProject(file, shortfall(file) ?? reason);
  if (code.startsWith('SQLITE_READONLY')) return readOnlyProject(file);
  if (code.startsWith('SQLITE_CANTOPEN')) {
    return new UserError(
      fs.existsSync(file) ? 'PROJECT_READONLY' : 'NOT_FOUND',
      `${name} could not be opened (${reason}): check that the file and its folder exist and that you may read and write both. Nothing was changed.`,
      { file },
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new UserError('CONFLICT', `${name} is busy: another program kept it locked for writing (${reason}). Try again once it is done; nothing was changed.`, { file });
  }
  return err;
}

export function damagedProject(file: string, why: string): UserError {
  return new UserError('PROJECT_DAMAGED', `${path.basename(file)} is damaged (${why}): restore it from a backup. It was left untouched.`, { file });
}

export function readOnlyProject(file: string): UserError {
  return new UserError(
    'PROJECT_READONLY',
    `${path.basename(file)} is read-only: make the file and its folder writable (or copy it to a folder you can write to) and try again. Nothing was changed.`,
    { file },
  );
}

/** better-sqlite3's error code (`SQLITE_…`, extended codes included); null for any other error. */
function sqliteCode(err: unknown): string | null {
  const code = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null;
}

/**
 * "the file ends early" when the file is shorter than the page count its header declares. The
 * count is only trusted when SQLite's own test holds: non-zero and written by the same change
 * as the header (bytes 24 and 92 agree).
 */
export function shortfall(file: string): string | null {
  let head: Buffer;
  let size: number;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      head = Buffer.alloc(100);
      if (fs.readSync(fd, head, 0, 100, 0) < 100) return null;
      size = fs.fstatSync(fd).size;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return null;
  }
  const raw = head.readUInt16BE(16);
  const pageSize = raw === 1 ? 65536 : raw;
  const pages = head.readUInt32BE(28);
  if (!pageSize || !pages || head.readUInt32BE(24) !== head.readUInt32BE(92) || pages * pageSize <= size) return null;
  return `the file ends early: it holds ${Math.floor(size / pageSize)} of the ${pages} pages its header counts`;
}
