/**
 * What a dialog that stores a new dataset (put on one axis, join) does once the main process has
 * answered: refresh the project's datasets, announce the new one and open it.
 */
import { errorInfo } from '../api';
import { nav } from './navigation.svelte';
import { notices } from './notices.svelte';
import { project } from './project.svelte';

/**
 * Runs `make` (the call that stores the dataset); on success announces it with `announce`'s text
 * and details and opens it. Resolves to null, or to the error's message when nothing was stored.
 */
export async function storeNewDataset<R extends { datasetId: number }>(make: () => Promise<R>, announce: (r: R) => { text: string; detail: string[] }): Promise<string | null> {
  try {
    const r = await make();
    await project.refresh();
    const { text, detail } = announce(r);
    notices.notify('success', text, detail, r.datasetId);
    nav.openDataset(r.datasetId);
    return null;
  } catch (e) {
    return errorInfo(e).message;
  }
}
