import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import type { RecentProject } from '../../src-main/common/domain/project';
import { buildMenuTemplate, type MenuHandlers } from '../../src-main/main/menu';

function recorder() {
  const calls: string[] = [];
  const handlers: MenuHandlers = {
    newProject: () => calls.push('newProject'),
    openProject: () => calls.push('openProject'),
    openRecent: (p) => calls.push(`openRecent ${p}`),
    openDemo: () => calls.push('openDemo'),
    importFiles: () => calls.push('importFiles'),
    importWithLabels: () => calls.push('importWithLabels'),
    closeProject: () => calls.push('closeProject'),
    about: () => calls.push('about'),
  };
  return { calls, handlers };
}

/** The menu as text: one line per item, submenus indented — compared as one whole value. */
function outline(items: MenuItemConstructorOptions[], depth = 0): string[] {
  return items.flatMap((item) => {
    const name = item.type === 'separator' ? '---' : [item.label, item.role && `(${item.role})`, item.accelerator && `[${item.accelerator}]`, item.enabled === false && 'disabled'].filter(Boolean).join(' ');
    const sub = Array.isArray(item.submenu) ? outline(item.submenu, depth + 1) : [];
    return [`${'  '.repeat(depth)}${name}`, ...sub];
  });
}

function find(items: MenuItemConstructorOptions[], id: string): MenuItemConstructorOptions | undefined {
  for (const item of items) {
    if (item.id === id) return item;
    const found = Array.isArray(item.submenu) ? find(item.submenu, id) : undefined;
    if (found) return found;
  }
  return undefined;
}

const recent: RecentProject[] = [
  { path: '/data/R&D.spectra', name: 'R&D', lastOpened: '2025-01-02T00:00:00Z', exists: true },
  { path: '/gone/old.spectra', name: 'old', lastOpened: '2025-01-01T00:00:00Z', exists: false },
];

describe('buildMenuTemplate', () => {
  it('lays out the Windows/Linux development menu', () => {
    const { handlers } = recorder();
    expect(outline(buildMenuTemplate(recent, handlers, { isMac: false, isPackaged: false }))).toEqual([
      '&File',
      '  New Project… [CmdOrCtrl+N]',
      '  Open Project… [CmdOrCtrl+O]',
      '  Open Recent',
      '    R&&D',
      '    old (missing) disabled',
      '  Open Demo Project',
      '  ---',
      '  Import… [CmdOrCtrl+I]',
      '  Import with Labels…',
      '  ---',
      '  Close Project',
      '  ---',
      '  Quit (quit)',
      '&Edit',
      '  (undo)',
      '  (redo)',
      '  ---',
      '  (cut)',
      '  (copy)',
      '  (paste)',
      '  (delete)',
      '  ---',
      '  (selectAll)',
      '&View',
      '  (reload)',
      '  (forceReload)',
      '  (toggleDevTools)',
      '  ---',
      '  (resetZoom)',
      '  (zoomIn)',
      '  (zoomOut)',
      '  ---',
      '  (togglefullscreen)',
      '&Help (help)',
      '  About Spectra Desk',
    ]);
  });

  it('drops reload and devtools when packaged, and adds the macOS app and window menus', () => {
    const { handlers } = recorder();
    const mac = buildMenuTemplate([], handlers, { isMac: true, isPackaged: true, hasProject: false });
    expect(outline(mac).filter((l) => !l.startsWith('    ') && !/^ {2}(\(|---)/.test(l))).toEqual([
      'Spectra Desk',
      '  About Spectra Desk',
      'File',
      '  New Project… [CmdOrCtrl+N]',
      '  Open Project… [CmdOrCtrl+O]',
      '  Open Recent',
      '  Open Demo Project',
      '  Import… [CmdOrCtrl+I] disabled',
      '  Import with Labels… disabled',
      '  Close Project disabled',
      'Edit',
      'View',
      '(windowMenu)',
      'Help (help)',
      '  About Spectra Desk',
    ]);
    expect(outline(mac).join('\n')).not.toMatch(/toggleDevTools|reload/i);
    expect(find(mac, 'openRecent')?.submenu).toEqual([{ label: 'No Recent Projects', enabled: false }]);
  });

  it('wires every item to its handler', () => {
    const { calls, handlers } = recorder();
    const template = buildMenuTemplate(recent, handlers, { isMac: false, isPackaged: true });
    for (const id of ['newProject', 'openProject', 'openDemo', 'import', 'importWithLabels', 'closeProject', 'about']) {
      (find(template, id)?.click as () => void)();
    }
    const recentItems = find(template, 'openRecent')?.submenu as MenuItemConstructorOptions[];
    (recentItems[0]!.click as () => void)();
    expect(calls).toEqual(['newProject', 'openProject', 'openDemo', 'importFiles', 'importWithLabels', 'closeProject', 'about', 'openRecent /data/R&D.spectra']);
  });
});
