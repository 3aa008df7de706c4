import type { Db } from './connection';

/** Float32 intensities → little-endian BLOB without copying when the platform is little-endian. */
export function f32ToBlob(values: Float32Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

export function f64ToBlob(values: Float64Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

/** Copies because SQLite's buffer is not guaranteed to be aligned for Float32Array views. */
export function blobToF32(blob: Uint8Array): Float32Array {
  const out = new Float32Array(blob.byteLength / 4);
  new Uint8Array(out.buffer).set(blob);
  return out;
}

export function blobToF64(blob: Uint8Array): Float64Array {
  const out = new Float64Array(blob.byteLength / 8);
  new Uint8Array(out.buffer).set(blob);
  return out;
}

/**
 * Runs `fn` in BEGIN IMMEDIATE … COMMIT, allowing awaits inside (progress, cancel) on this
 * one connection. Anything thrown rolls everything back: an import lands whole or not at all.
 */
export async function asyncTransaction<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = await fn();
    db.exec('COMMIT');
    return result;
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw err;
  }
}

/** Quotes an SQL identifier after checking it is a plain name (never user text). */
export function ident(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`Invalid SQL identifier: ${name}`);
  return `"${name}"`;
}
