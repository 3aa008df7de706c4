/**
 * A Session for training tests: its project file is `dir/file`, its trainer the built
 * out/ml/trainer.cjs, and the `runs:progress` events it emits are collected in `events`.
 */
import path from 'node:path';
import { Session, type Host } from '../../src-main/services/session';
import type { RunEvent } from '../../src-main/common/ipc/contract';
import { forkTrainer } from '../../src-main/services/trainer-client';

export function trainingSession(dir: string, file = 'p.spectra'): { s: Session; events: RunEvent[] } {
  const events: RunEvent[] = [];
  const host: Host = {
    dialogs: { saveProject: async () => path.join(dir, file), openProject: async () => null, importFiles: async () => null, labelsFile: async () => null },
    emit: (event, payload) => {
      if (event === 'runs:progress') events.push(payload as RunEvent);
    },
    userDataDir: path.join(dir, 'userdata'),
    demoDir: path.resolve(__dirname, '../../assets/demo'),
    version: '0.0.0-test',
    engine: 'test engine',
    spawnTrainer: forkTrainer(path.resolve(__dirname, '../../out/ml/trainer.cjs')),
  };
  return { s: new Session(host), events };
}
