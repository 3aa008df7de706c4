/** Starts the renderer: the progress listeners, the menu and drop commands, and the open project. */
import { on } from '../api';
import { training } from '../training.svelte';
import { importer } from './import.svelte';
import { project } from './project.svelte';
import { followTasks } from './tasks';

export async function startApp(): Promise<void> {
  importer.init();
  followTasks();
  on('project:changed', (p) => void project.setProject(p));
  training.init();
  on('menu:command', ({ command }) => {
    if (command === 'import') importer.open();
    else if (command === 'importWithLabels') importer.open(undefined, true);
    else if (command === 'newProject') void project.createProject();
    else if (command === 'openProject') void project.openProject();
  });
  on('files:dropped', ({ paths }) => importer.open(paths));
  await project.load();
}
