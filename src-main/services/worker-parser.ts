import { Worker } from 'node:worker_threads';
import { UserError, type ErrorInfo } from '../common/errors';
import type { ImportOptions, ParsedBatch } from '../common/domain/spectra';

export type ParseOptions = Omit<ImportOptions, 'onProgress' | 'signal'>;
export interface ParseRequest {
  bytes: Uint8Array;
  fileName: string;
  options: ParseOptions;
}
export type ParseReply = { type: 'progress'; fraction: number } | { type: 'done'; batch: ParsedBatch } | { type: 'failed'; error: ErrorInfo };

export type Parser = (bytes: Uint8Array, fileName: string, options: ImportOptions) => Promise<ParsedBatch>;

/**
 * A parser that runs each file in a fresh worker thread (the bundled `parse-worker.cjs`).
 * Cancelling terminates the worker at once, even in the middle of a large file.
 */
export function workerParser(workerScript: string): Parser {
  return (bytes, fileName, options) =>
    new Promise<ParsedBatch>((resolve, reject) => {
      const { onProgress, signal, ...rest } = options;
      if (signal?.aborted) {
        reject(new UserError('CANCELLED', 'Import cancelled; the project was left as it was.'));
        return;
      }
      const worker = new Worker(workerScript);
      let settled = false;
      const finish = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        void worker.terminate();
        fn();
      };
      const onAbort = (): void => finish(() => reject(new UserError('CANCELLED', 'Import cancelled; the project was left as it was.')));
      signal?.addEventListener('abort', onAbort);
      worker.on('message', (reply: ParseReply) => {
        if (reply.type === 'progress') onProgress?.(reply.fraction);
        else if (reply.type === 'done') finish(() => resolve(reply.batch));
        else finish(() => reject(new UserError(reply.error.code, reply.error.message, reply.error)));
      });
      worker.on('error', (err) => finish(() => reject(err)));
      worker.on('exit', (code) => finish(() => reject(new UserError('INTERNAL', `The import worker stopped unexpectedly (exit code ${code}) while reading ${fileName}.`, { file: fileName }))));
      worker.postMessage({ bytes, fileName, options: rest } satisfies ParseRequest);
    });
}
