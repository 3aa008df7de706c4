/**
 * Where the user is: the section shown and, under Data, the open dataset. The Runs section's own
 * page (list, run, comparison) is kept with the runs in `training.svelte.ts`.
 */
export type Section = 'data' | 'recipes' | 'explore' | 'maps' | 'train' | 'runs' | 'predict';

class Navigation {
  section = $state<Section>('data');
  datasetId = $state<number | null>(null);

  openDataset(id: number): void {
    this.section = 'data';
    this.datasetId = id;
  }

  reset(): void {
    this.datasetId = null;
    this.section = 'data';
  }
}

export const nav = new Navigation();
