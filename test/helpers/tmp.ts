import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

const made: string[] = [];

/** A fresh temporary folder, removed after the test. */
export function tmpDir(prefix = 'spectra-desk-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function writeFile(dir: string, name: string, content: string | Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

/** Writes `content` to a file in a fresh temporary folder and reads its bytes back, as an import reads a file. */
export function throughDisk(name: string, content: string | Uint8Array): Uint8Array {
  return new Uint8Array(fs.readFileSync(writeFile(tmpDir(), name, content)));
}

afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
