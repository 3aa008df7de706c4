/**
 * A Session for training tests: its project file is `dir/file`, its trainer the built
 * out/ml/trainer.cjs, and the `runs:progress` events it emits are collected in `events`.
 */
import path from 'node:path';
import { expect } from 'vitest';
import type { DatasetSummary } from '../../src-main/common/domain/project';
import { fixture } from './datasets';
import { Session, type Host } from '../../src-main/services/session';
import type { EventName, RunEvent } from '../../src-main/common/ipc/contract';
import { forkTrainer } from '../../src-main/services/trainer-client';

export function trainingSession(dir: string, file = 'p.spectra'): { s: Session; events: RunEvent[]; emitted: { event: EventName; payload: unknown }[] } {
  const events: RunEvent[] = [];
  const emitted: { event: EventName; payload: unknown }[] = [];
  const host: Host = {
    dialogs: { saveProject: async () => path.join(dir, file), openProject: async () => null, importFiles: async () => null, labelsFile: async () => null },
    emit: (event, payload) => {
      emitted.push({ event, payload });
      if (event === 'runs:progress') events.push(payload as RunEvent);
    },
    userDataDir: path.join(dir, 'userdata'),
    demoDir: path.resolve(__dirname, '../../assets/demo'),
    version: '0.0.0-test',
    engine: 'test engine',
    spawnTrainer: forkTrainer(path.resolve(__dirname, '../../out/ml/trainer.cjs')),
  };
  return { s: new Session(host), events, emitted };
}

/** The value of a successful Session call; fails the test on an error result. */
export function ok<T>(r: unknown): T {
  expect(r).toMatchObject({ ok: true });
  return (r as { ok: true; value: T }).value;
}

/** Creates the session's project and imports UCR Coffee into one dataset (TRAIN tagged train, TEST tagged test); returns its id. */
export async function importCoffee(s: Session): Promise<number> {
  ok(await s.invoke('project:create', {}));
  for (const [file, tag] of [['Coffee_TRAIN.tsv', 'train'], ['Coffee_TEST.tsv', 'test']] as const) {
    ok(await s.invoke('datasets:import', { paths: [fixture(`ucr_spectro/Coffee/${file}`)], dataset: 'Coffee', splitTag: tag, jobId: `j-${tag}` }));
  }
  return ok<DatasetSummary[]>(await s.invoke('datasets:list', {}))[0]!.id;
}
