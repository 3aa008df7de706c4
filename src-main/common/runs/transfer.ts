/**
 * Calibration transfer as a run stores it: a model trained on instrument A's dataset, applied
 * to the same samples measured on instrument B through a DS or PDS step (../ml/transfer.ts)
 * fitted on a Kennard–Stone transfer set. Each method's transferred model is a run of its own
 * on B's dataset (its recipe starts with the `calibrationTransfer` step, so prediction and
 * export apply it like any fitted step); its config carries this record, which also keeps the
 * comparison the run page shows: RMSEP on B's test rows without transfer, with each method, and
 * of a model trained on B itself.
 */
import { z } from 'zod';
import { MIN_TRANSFER } from '../ml/transfer';

export const TRANSFER_METHODS = ['ds', 'pds'] as const;
export type TransferMethod = (typeof TRANSFER_METHODS)[number];
export const TRANSFER_PAIRINGS = ['id', 'position'] as const;
export type TransferPairing = (typeof TRANSFER_PAIRINGS)[number];
/** The transfer set's size when the user gives none. */
export const DEFAULT_TRANSFER_SAMPLES = 10;

export const transferRecordSchema = z.object({
  /** The model trained on instrument A, and A's and B's dataset names. */
  sourceRunId: z.number().int(),
  sourceDataset: z.string(),
  targetDataset: z.string(),
  method: z.enum(TRANSFER_METHODS),
  pairing: z.enum(TRANSFER_PAIRINGS),
  /** The transfer set (sample ids of A's training spectra, in Kennard–Stone order). */
  transferSamples: z.array(z.string()),
  /** PDS: the window half-width (points each side) and the leave-one-out errors per half-width 1, 2, …. */
  halfWidth: z.number().int().optional(),
  looMse: z.array(z.number()).optional(),
  /** DS: the components its pseudo-inverse kept. */
  rank: z.number().int().optional(),
  testSamples: z.number().int(),
  /** RMSEP on B's test rows, in the target's units (ds, pds: null where that method was not asked for). */
  rmsep: z.object({ none: z.number(), ds: z.number().nullable(), pds: z.number().nullable(), native: z.number() }),
  /** The model of the same kind and settings trained on B's training rows. */
  nativeRunId: z.number().int(),
  /** When the transfer was made; the DS and PDS runs of one transfer share it. */
  madeAt: z.string(),
});
export type TransferRecord = z.infer<typeof transferRecordSchema>;

/** One transfer as the run page shows it: the record and the runs it made. */
export interface TransferSummary extends TransferRecord {
  /** The transferred models' runs on B's dataset. */
  runs: { method: TransferMethod; runId: number }[];
}

/** `runs:transfer` from the app: what `spectra-desk transfer` takes, the datasets by id, as a cancellable job. */
export const transferStartInput = z
  .object({
    /** The regression run trained on instrument A. */
    runId: z.number().int().positive(),
    /** The same samples measured on instrument B. */
    targetDatasetId: z.number().int().positive(),
    n: z.number().int().min(MIN_TRANSFER.ds).max(10_000).optional(),
    methods: z.array(z.enum(TRANSFER_METHODS)).min(1).max(2),
    by: z.enum(TRANSFER_PAIRINGS),
    jobId: z.string().min(1).max(100),
  })
  .strict();

/** Progress of `runs:transfer`: the model trained on B for comparison is the part that takes time. */
export interface TransferProgress {
  jobId: string;
  runId: number;
  stage: string;
  /** Epochs trained of all (0 of 0 while it starts, and for PLS, which has none). */
  done: number;
  total: number;
}
