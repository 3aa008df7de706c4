import { parentPort } from 'node:worker_threads';
import { parseFile } from '../io';
import { toErrorInfo } from '../common/errors';
import type { ImportOptions, ParsedBatch } from '../common/domain/spectra';
import type { ParseRequest, ParseReply } from './worker-parser';

/**
 * Worker-thread entry: parses one file off the main thread so the app stays responsive and
 * progress keeps flowing. Replies with the batch (its arrays transferred, not copied) or an error.
 */
parentPort?.on('message', (req: ParseRequest) => {
  const port = parentPort!;
  const options: ImportOptions = { ...req.options, onProgress: (fraction) => port.postMessage({ type: 'progress', fraction } satisfies ParseReply) };
  try {
    const batch: ParsedBatch = parseFile(req.bytes, req.fileName, options);
    const transfer = new Set<ArrayBufferLike>();
    for (const a of batch.axes) transfer.add(a.values.buffer);
    for (const s of batch.samples) for (const c of s.channels) transfer.add(c.buffer);
    port.postMessage({ type: 'done', batch } satisfies ParseReply, [...transfer] as ArrayBuffer[]);
  } catch (err) {
    port.postMessage({ type: 'failed', error: toErrorInfo(err) } satisfies ParseReply);
  }
});
