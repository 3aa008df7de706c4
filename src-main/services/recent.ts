import fs from 'node:fs';
import path from 'node:path';
import type { RecentProject } from '../common/domain/project';

const MAX_RECENT = 12;

/** Recently opened projects, kept as JSON in the app's settings folder. */
export class RecentProjects {
  constructor(private readonly file: string) {}

  list(): RecentProject[] {
    let entries: { path: string; lastOpened: string }[] = [];
    try {
      const parsed: unknown = JSON.parse(fs.readFileSync(this.file, 'utf8'));
      if (Array.isArray(parsed)) {
        entries = parsed.filter(
          (e): e is { path: string; lastOpened: string } => typeof e === 'object' && e !== null && typeof (e as { path?: unknown }).path === 'string' && typeof (e as { lastOpened?: unknown }).lastOpened === 'string',
        );
      }
    } catch {
      // Missing or unreadable settings file: start with an empty list rather than fail the app.
    }
    return entries.map((e) => ({ path: e.path, lastOpened: e.lastOpened, name: path.basename(e.path).replace(/\.[^.]*$/, ''), exists: fs.existsSync(e.path) }));
  }

  touch(projectPath: string): void {
    const abs = path.resolve(projectPath);
    const rest = this.list().filter((e) => e.path !== abs);
    const next = [{ path: abs, lastOpened: new Date().toISOString() }, ...rest.map((e) => ({ path: e.path, lastOpened: e.lastOpened }))].slice(0, MAX_RECENT);
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(next, null, 2));
    fs.renameSync(tmp, this.file);
  }

  has(projectPath: string): boolean {
    const abs = path.resolve(projectPath);
    return this.list().some((e) => e.path === abs);
  }
}
