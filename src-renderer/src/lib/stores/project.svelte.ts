/**
 * The open project as the views see it: the app's info, the project, its datasets and the
 * recent projects. Every change to the project goes through `call` and then `refresh()`, so the
 * summary, charts and table never show stale data after an edit.
 */
import type { AppInfo } from '@common/ipc/contract';
import type { DatasetSummary, ProjectInfo, RecentProject } from '@common/domain/project';
import type { ErrorInfo } from '@common/errors';
import { call, errorInfo } from '../api';
import { setColourScope } from '../palette';
import { training } from '../training.svelte';
import { jobs } from './jobs.svelte';
import { nav } from './navigation.svelte';
import { notices } from './notices.svelte';

class Project {
  info = $state<AppInfo | null>(null);
  /** The open project; null on the start page. */
  current = $state<ProjectInfo | null>(null);
  recent = $state<RecentProject[]>([]);
  datasets = $state<DatasetSummary[]>([]);
  /** Bumped after every edit so charts and tables refetch. */
  version = $state(0);
  /** An error from the start page (open/create) shown next to its buttons. */
  startError = $state<ErrorInfo | null>(null);
  busy = $state(false);
  ready = $state(false);

  /** The dataset open under Data. */
  get dataset(): DatasetSummary | null {
    return this.datasets.find((d) => d.id === nav.datasetId) ?? null;
  }

  async load(): Promise<void> {
    try {
      this.info = await call('app:info', {});
      void this.refreshEngine();
      const current = await call('project:current', {});
      await this.setProject(current);
    } catch (err) {
      this.startError = errorInfo(err);
    }
    this.ready = true;
  }

  /** The main process asks a trainer process which engine it gets; show its answer when it comes. */
  private async refreshEngine(): Promise<void> {
    for (let i = 0; i < 20 && this.info?.engine === 'checking…'; i++) {
      await new Promise((r) => setTimeout(r, 500));
      try {
        this.info = await call('app:info', {});
      } catch {
        return;
      }
    }
  }

  async setProject(p: ProjectInfo | null): Promise<void> {
    const changed = p?.path !== this.current?.path;
    if (p) setColourScope(p.path);
    this.current = p;
    if (changed) {
      nav.reset();
      notices.clear();
      jobs.keepRunning();
      training.reset();
    }
    if (p) await this.refresh();
    else {
      this.datasets = [];
      await this.loadRecent();
    }
  }

  async loadRecent(): Promise<void> {
    try {
      this.recent = await call('project:recent', {});
    } catch (err) {
      this.startError = errorInfo(err);
    }
  }

  async refresh(): Promise<void> {
    if (!this.current) return;
    this.datasets = await call('datasets:list', {});
    if (nav.datasetId !== null && !this.datasets.some((d) => d.id === nav.datasetId)) nav.datasetId = null;
    this.version++;
  }

  /** Runs a project command from the start page or a shortcut; errors stay on the start page. */
  private async projectCommand(fn: () => Promise<ProjectInfo | null>): Promise<void> {
    this.startError = null;
    this.busy = true;
    try {
      const p = await fn();
      if (p) await this.setProject(p);
    } catch (err) {
      const info = errorInfo(err);
      if (this.current) notices.notify('error', info.message);
      else this.startError = info;
      await this.loadRecent();
    } finally {
      this.busy = false;
    }
  }

  createProject = () => this.projectCommand(() => call('project:create', {}));
  openProject = () => this.projectCommand(() => call('project:open', {}));
  openDemo = () => this.projectCommand(() => call('project:openDemo', {}));
  openRecent = (path: string) => this.projectCommand(() => call('project:openRecent', { path }));

  async closeProject(): Promise<void> {
    await call('project:close', {});
    await this.setProject(null);
  }
}

export const project = new Project();
