// The trainer as an Electron utilityProcess (a Node child the app owns; structured-clone
// messages, so typed arrays cross as typed arrays). Same protocol as the CLI's fork.
import { utilityProcess } from 'electron';
import type { ParentToTrainer, TrainerToParent } from '../common/ml/protocol';
import { keepOutputTail, type SpawnTrainer } from '../services/trainer-client';

export function utilityTrainer(script: string): SpawnTrainer {
  return () => {
    const child = utilityProcess.fork(script, [], { serviceName: 'Spectra Desk trainer', stdio: 'pipe' });
    const outputTail = keepOutputTail(child);
    return {
      send: (m: ParentToTrainer) => child.postMessage(m),
      onMessage: (h) => child.on('message', (m: TrainerToParent) => h(m)),
      onExit: (h) => child.on('exit', (code: number) => h(code, null)),
      kill: () => void child.kill(),
      outputTail,
    };
  };
}
