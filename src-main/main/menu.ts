import type { MenuItemConstructorOptions } from 'electron';
import type { RecentProject } from '../common/domain/project';

/** What the menu items do; the main process wires these to the session and the window. */
export interface MenuHandlers {
  newProject(): void;
  openProject(): void;
  openRecent(projectPath: string): void;
  openDemo(): void;
  /** The renderer owns the import form: these only tell it to open the form. */
  importFiles(): void;
  importWithLabels(): void;
  closeProject(): void;
  about(): void;
}

export interface MenuOptions {
  isMac: boolean;
  isPackaged: boolean;
  /** Project open now: Close Project is disabled without one. */
  hasProject?: boolean;
  appName?: string;
}

const MAX_RECENT_ITEMS = 10;

function recentSubmenu(recent: readonly RecentProject[], handlers: MenuHandlers): MenuItemConstructorOptions[] {
  if (!recent.length) return [{ label: 'No Recent Projects', enabled: false }];
  return recent.slice(0, MAX_RECENT_ITEMS).map((r) => ({
    // `&` marks an access key on Windows/Linux: double it so names like "R&D" show as written.
    label: r.exists ? r.name.replace(/&/g, '&&') : `${r.name.replace(/&/g, '&&')} (missing)`,
    sublabel: r.path,
    toolTip: r.path,
    enabled: r.exists,
    click: () => handlers.openRecent(r.path),
  }));
}

/** The application menu as plain data (`Menu.buildFromTemplate` turns it into a menu). */
export function buildMenuTemplate(recent: readonly RecentProject[], handlers: MenuHandlers, options: MenuOptions): MenuItemConstructorOptions[] {
  const { isMac, isPackaged, hasProject = true, appName = 'Spectra Desk' } = options;
  const template: MenuItemConstructorOptions[] = [];

  if (isMac) {
    template.push({
      label: appName,
      submenu: [
        { label: `About ${appName}`, click: () => handlers.about() },
        { type: 'separator' },
        { role: 'services' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  }

  const file: MenuItemConstructorOptions[] = [
    { id: 'newProject', label: 'New Project…', accelerator: 'CmdOrCtrl+N', click: () => handlers.newProject() },
    { id: 'openProject', label: 'Open Project…', accelerator: 'CmdOrCtrl+O', click: () => handlers.openProject() },
    { id: 'openRecent', label: 'Open Recent', submenu: recentSubmenu(recent, handlers) },
    { id: 'openDemo', label: 'Open Demo Project', click: () => handlers.openDemo() },
    { type: 'separator' },
    { id: 'import', label: 'Import…', accelerator: 'CmdOrCtrl+I', enabled: hasProject, click: () => handlers.importFiles() },
    { id: 'importWithLabels', label: 'Import with Labels…', enabled: hasProject, click: () => handlers.importWithLabels() },
    { type: 'separator' },
    { id: 'closeProject', label: 'Close Project', enabled: hasProject, click: () => handlers.closeProject() },
  ];
  if (!isMac) file.push({ type: 'separator' }, { id: 'quit', role: 'quit', label: 'Quit' });
  // `&` marks the Alt access key on Windows/Linux; macOS menus have none.
  const top = (label: string): string => (isMac ? label : `&${label}`);
  template.push({ label: top('File'), submenu: file });

  template.push({
    label: top('Edit'),
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'delete' },
      { type: 'separator' },
      { role: 'selectAll' },
    ],
  });

  const view: MenuItemConstructorOptions[] = [];
  if (!isPackaged) view.push({ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' });
  view.push({ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' });
  template.push({ label: top('View'), submenu: view });

  if (isMac) template.push({ role: 'windowMenu' });

  template.push({
    label: top('Help'),
    role: 'help',
    submenu: [{ id: 'about', label: `About ${appName}`, click: () => handlers.about() }],
  });
  return template;
}
