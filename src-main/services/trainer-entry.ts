/**
 * Entry of the trainer process (bundled to out/ml/trainer.cjs): the trainer of ml/trainer/main.ts
 * with the one thing the ml layer may not import, the read-only project-file reader that streamed
 * runs take their spectra from (db/streamed-rows.ts).
 */
import { serveTrainer } from '../ml/trainer/main';
import { openStreamedRows } from '../db/streamed-rows';

serveTrainer({ openRows: openStreamedRows });
