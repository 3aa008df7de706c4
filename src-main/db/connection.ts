import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { UserError } from '../common/errors';
import { MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations';

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
 * Opens a project file: checks it is ours and not from a newer app, sets the pragmas on
 * every connection, and migrates it. A damaged file is reported and never written to.
 */
export function openProject(file: string, options: OpenOptions = {}): Db {
  const exists = fs.existsSync(file);
  if (!exists && !options.create) {
    throw new UserError('NOT_FOUND', `Project file ${file} does not exist.`, { file });
  }
  if (exists) checkHeader(file);
  if (!exists) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });

  const dbOptions: Database.Options = {};
  if (options.nativeBinding) dbOptions.nativeBinding = options.nativeBinding;
  if (options.readonly) dbOptions.readonly = true;
  const db = new Database(file, dbOptions);
  try {
    // Spectra are kB-sized BLOBs: larger pages keep each one on a single page (no overflow chain).
    if (!exists) db.pragma(`page_size = ${PAGE_SIZE}`);
    configure(db, options.readonly === true);
    if (exists) checkIntegrity(db, file);
    const appId = db.pragma('application_id', { simple: true }) as number;
    const version = db.pragma('user_version', { simple: true }) as number;
    if (exists && version > 0 && appId !== APPLICATION_ID) {
      throw new UserError('PROJECT_DAMAGED', `${path.basename(file)} is an SQLite file but not a Spectra Desk project.`, { file });
    }
    if (exists && version === 0 && tableCount(db) > 0) {
      throw new UserError('PROJECT_DAMAGED', `${path.basename(file)} is an SQLite file but not a Spectra Desk project.`, { file });
    }
    if (version > SCHEMA_VERSION) {
      throw new UserError(
        'PROJECT_TOO_NEW',
        `${path.basename(file)} was saved by a newer version of Spectra Desk (project format ${version}; this version reads up to ${SCHEMA_VERSION}). Update Spectra Desk to open it; the file was not changed.`,
        { file },
      );
    }
    if (!options.readonly) migrate(db, options.targetVersion ?? SCHEMA_VERSION);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function configure(db: Db, readonly: boolean): void {
  if (!readonly) db.pragma('journal_mode = WAL');
  // better-sqlite3 reports FULL on a new WAL database but NORMAL once reopened: set it every time.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
}

const SQLITE_MAGIC = 'SQLite format 3\u0000';

function checkHeader(file: string): void {
  const stat = fs.statSync(file);
  if (stat.isDirectory()) throw new UserError('BAD_INPUT', `${file} is a folder, not a project file.`, { file });
  if (stat.size === 0) return; // an empty file is a fresh database to SQLite
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(100);
    const n = fs.readSync(fd, head, 0, 100, 0);
    if (n < 100 || head.toString('latin1', 0, 16) !== SQLITE_MAGIC) {
      throw new UserError(
        'PROJECT_DAMAGED',
        `${path.basename(file)} is not a Spectra Desk project (not an SQLite database, or its header is damaged). It was left untouched.`,
        { file },
      );
    }
  } finally {
    fs.closeSync(fd);
  }
}

function checkIntegrity(db: Db, file: string): void {
  let result: string;
  try {
    result = db.pragma('quick_check', { simple: true }) as string;
  } catch (err) {
    throw new UserError('PROJECT_DAMAGED', `${path.basename(file)} is damaged (${(err as Error).message}). It was left untouched; restore it from a backup.`, { file });
  }
  if (result !== 'ok') {
    throw new UserError('PROJECT_DAMAGED', `${path.basename(file)} is damaged (${result}). It was left untouched; restore it from a backup.`, { file });
  }
}

function tableCount(db: Db): number {
  return (db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as { n: number }).n;
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
