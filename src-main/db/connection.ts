import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { UserError } from '../common/errors';
import { MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations';
import { damagedProject, projectError, readOnlyProject, shortfall } from './errors';

export type Db = Database.Database;

/** Marks a Spectra Desk project (SQLite `application_id`, "SPDK"). */
export const APPLICATION_ID = 0x5350444b;

const PAGE_SIZE = 16384;

export interface OpenOptions {
  /** Create the file when it does not exist (New project). Default false. */
  create?: boolean;
  /** Stop migrating at this version (tests of migrations). Default: latest. */
  targetVersion?: number;
  /** Absolute path of a better-sqlite3 native binding built for another runtime (Electron). */
  nativeBinding?: string;
  readonly?: boolean;
}

/**
 * Opens a project file: recognises it as ours, of a format this version reads, and sound, on a
 * read-only connection; only then opens it for writing, sets the pragmas and migrates it. A
 * file that is not ours, is damaged or is from a newer app is refused with its bytes untouched.
 */
export function openProject(file: string, options: OpenOptions = {}): Db {
  try {
    return open(file, options);
  } catch (err) {
    throw projectError(err, file);
  }
}

/**
 * Opens a project to read it: as openProject where the file may be written (so an older format
 * is brought up to date), on a read-only connection where it may not.
 */
export function openProjectToRead(file: string, options: Omit<OpenOptions, 'create' | 'readonly'> = {}): Db {
  return openProject(file, { ...options, readonly: fs.existsSync(file) && !writable(file) });
}

function open(file: string, options: OpenOptions): Db {
  const exists = fs.existsSync(file);
  if (!exists && !options.create) {
    throw new UserError('NOT_FOUND', `Project file ${file} does not exist.`, { file });
  }
  const target = options.targetVersion ?? SCHEMA_VERSION;
  if (exists) {
    const version = recognise(file, options.nativeBinding);
    if (options.readonly && version < target) {
      throw new UserError(
        'PROJECT_READONLY',
        `${path.basename(file)} is read-only here and in an older project format (${version}; this version uses ${target}): open it once where it can be written, so that Spectra Desk can update it.`,
        { file },
      );
    }
    if (!options.readonly && !writable(file)) throw readOnlyProject(file);
  } else fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });

  const db = new Database(file, connectionOptions(options.nativeBinding, options.readonly === true));
  try {
    if (!exists) {
      // Spectra are kB-sized BLOBs: larger pages keep each one on a single page (no overflow chain).
      db.pragma(`page_size = ${PAGE_SIZE}`);
      // The first write marks the file as ours, so one left by an interrupted creation is still recognised.
      db.pragma(`application_id = ${APPLICATION_ID}`);
    }
    configure(db, options.readonly === true);
    if (!options.readonly) migrate(db, target);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function connectionOptions(nativeBinding: string | undefined, readonly: boolean): Database.Options {
  const o: Database.Options = {};
  if (nativeBinding) o.nativeBinding = nativeBinding;
  if (readonly) {
    o.readonly = true;
    o.fileMustExist = true;
  }
  return o;
}

function configure(db: Db, readonly: boolean): void {
  if (!readonly) db.pragma('journal_mode = WAL');
  // better-sqlite3 reports FULL on a new WAL database but NORMAL once reopened: set it every time.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
}

/**
 * Checks on a read-only connection, so nothing of a file that is not ours is changed: the
 * header, our `application_id`, a `user_version` this app reads, and `quick_check`. Returns the
 * file's project format.
 */
function recognise(file: string, nativeBinding: string | undefined): number {
  checkHeader(file);
  const short = shortfall(file);
  if (short) throw damagedProject(file, short);
  const db = new Database(file, connectionOptions(nativeBinding, true));
  try {
    const appId = db.pragma('application_id', { simple: true }) as number;
    if (appId !== APPLICATION_ID) {
      throw new UserError('PROJECT_DAMAGED', `${path.basename(file)} is an SQLite file but not a Spectra Desk project. It was left untouched.`, { file });
    }
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new UserError(
        'PROJECT_TOO_NEW',
        `${path.basename(file)} was saved by a newer version of Spectra Desk (project format ${version}; this version reads up to ${SCHEMA_VERSION}). Update Spectra Desk to open it; the file was not changed.`,
        { file },
      );
    }
    // quick_check reads every page: a few hundred ms per 100 MB. Larger projects (maps) are
    // checked for truncation above (checkHeader) and report damage where a read finds it
    // (db/errors.ts names the file), so opening stays fast at any size.
    if (fs.statSync(file).size <= FULL_CHECK_MAX_BYTES) {
      const check = db.pragma('quick_check', { simple: true }) as string;
      if (check !== 'ok') throw damagedProject(file, check);
    }
    return version;
  } finally {
    db.close();
  }
}

const SQLITE_MAGIC = 'SQLite format 3\u0000';

/** Projects up to this size get SQLite's quick_check on every open. */
const FULL_CHECK_MAX_BYTES = 64 * 2 ** 20;

function checkHeader(file: string): void {
  const stat = fs.statSync(file);
  if (stat.isDirectory()) throw new UserError('BAD_INPUT', `${file} is a folder, not a project file.`, { file });
  const name = path.basename(file);
  if (stat.size === 0) {
    throw new UserError('PROJECT_DAMAGED', `${name} is empty, not a Spectra Desk project. It was left untouched; to start a new project, name a file that does not exist yet.`, { file });
  }
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(100);
    const n = fs.readSync(fd, head, 0, 100, 0);
    if (n < 100 || head.toString('latin1', 0, 16) !== SQLITE_MAGIC) {
      throw new UserError('PROJECT_DAMAGED', `${name} is not a Spectra Desk project (not an SQLite database, or its header is damaged). It was left untouched.`, { file });
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Whether this process may write the file: opening it for writing changes nothing in it. */
function writable(file: string): boolean {
  try {
    fs.closeSync(fs.openSync(file, 'r+'));
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return false;
    throw err;
  }
}

/** Applies migrations after the file's `user_version` up to `target`, each in its own transaction. */
export function migrate(db: Db, target: number = SCHEMA_VERSION, migrations: readonly Migration[] = MIGRATIONS): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const m of migrations) {
    if (m.version <= current || m.version > target) continue;
    db.transaction(() => {
      db.exec(m.sql);
      if (m.version === 1) {
        db.pragma(`application_id = ${APPLICATION_ID}`);
        db.prepare('INSERT INTO project_info (key, value) VALUES (?, ?)').run('created_at', new Date().toISOString());
      }
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}

/**
 * Copies the write-ahead log into the project file: PASSIVE when others may still read it,
 * TRUNCATE before the file is moved or shipped so that it stands alone.
 */
export function checkpoint(db: Db, mode: 'PASSIVE' | 'TRUNCATE'): void {
  db.pragma(`wal_checkpoint(${mode})`);
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}
