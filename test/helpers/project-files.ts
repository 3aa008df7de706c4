import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export const sha256 = (file: string): string => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** Another application's SQLite database: a table with rows, in rollback-journal (DELETE) mode. */
export function foreignSqlite(dir: string, name = 'other.sqlite'): string {
  const file = path.join(dir, name);
  const db = new Database(file);
  db.pragma('journal_mode = DELETE');
  db.exec("CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT); INSERT INTO orders (item) VALUES ('bolts'), ('nuts'), ('washers')");
  db.close();
  return file;
}

/** Files that are not Spectra Desk projects, each as its own test case: another app's SQLite database, an empty file, a text file. */
export function notOurFiles(dir: string): { name: string; file: string; message: RegExp }[] {
  const empty = path.join(dir, 'empty.spectra');
  fs.writeFileSync(empty, '');
  const text = path.join(dir, 'notes.spectra');
  fs.writeFileSync(text, 'Raman session notes, 2026-03-02\n'.repeat(20));
  return [
    { name: 'another application’s SQLite database', file: foreignSqlite(dir), message: /^other\.sqlite is an SQLite file but not a Spectra Desk project\. It was left untouched\.$/ },
    { name: 'an empty file', file: empty, message: /^empty\.spectra is empty, not a Spectra Desk project\. It was left untouched; to start a new project, name a file that does not exist yet\.$/ },
    { name: 'a text file', file: text, message: /^notes\.spectra is not a Spectra Desk project \(not an SQLite database, or its header is damaged\)\. It was left untouched\.$/ },
  ];
}

/**
 * A project cut short, as a copy interrupted half-way leaves it: the first `pages` of its 16 KiB
 * pages and a few bytes of the next.
 */
export function truncateProject(file: string, pages: number): void {
  fs.truncateSync(file, pages * 16384 + 100);
}

/**
 * Runs `fn` with `file` read-only to it: mode 0444, and for root, whom modes do not stop, with
 * the effective user nobody (restored afterwards; vitest runs each test file in a process of its
 * own). The folder stays writable, as SQLite needs it for the read-only connection's index file.
 */
export async function withReadOnlyFile<T>(file: string, fn: () => Promise<T>): Promise<T> {
  fs.chmodSync(file, 0o444);
  fs.chmodSync(path.dirname(file), 0o777);
  const root = process.geteuid?.() === 0;
  if (root) process.seteuid!(65534);
  try {
    return await fn();
  } finally {
    if (root) process.seteuid!(0);
    fs.chmodSync(file, 0o644);
    fs.chmodSync(path.dirname(file), 0o700);
  }
}
