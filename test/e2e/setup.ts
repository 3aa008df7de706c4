/**
 * What every e2e suite starts with: one app page for the whole suite, opened before its tests
 * and closed after them, and the steps most suites repeat (new project, import a file, read the
 * Session's answer).
 */
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { ucr } from '../helpers/datasets';
import { openAppPage, type AppPage, type AppPageOptions, type Bridge } from './harness';

export interface AppSuite {
  readonly page: Page;
  readonly bridge: Bridge;
  /** Temporary folder for this suite (user data, projects, written files). */
  readonly work: string;
  /** Page errors and console errors seen so far (suites assert it stays empty). */
  readonly problems: string[];
  main(): Locator;
  /** Opens a view from the sidebar. */
  goTo(view: string): Promise<void>;
  /** Chooses the first option of the `<select name=…>` in main whose label contains `text`. */
  selectByText(name: string, text: string): Promise<void>;
  /** Opens the bundled demo project from the start page and waits for its Coffee dataset. */
  openDemoProject(): Promise<void>;
  /** Creates a project at `file` through the New project button and waits for its empty Data view. */
  newProject(file: string): Promise<void>;
  /**
   * Imports one file through the Import dialog (Ctrl+I) and waits for the confirmation;
   * without `dataset` the dialog's suggested name is kept; `axisUnit` is set under More options.
   * Returns the number of spectra imported.
   */
  importFile(file: string, dataset?: string, split?: 'train' | 'test', axisUnit?: string): Promise<number>;
  /** Imports the UCR archive's `name` TRAIN and TEST tables into dataset `name`, tagged train and test; returns both counts. */
  importUcr(name: string): Promise<[train: number, test: number]>;
  /** The value of a successful Session call; a failed one throws with its error. */
  value<T>(channel: string, input?: unknown): Promise<T>;
}

export function useAppPage(prefix: string, options?: AppPageOptions): AppSuite {
  let app: AppPage | undefined;
  const opened = (): AppPage => {
    if (!app) throw new Error('The app page opens in beforeAll; use it inside tests.');
    return app;
  };

  beforeAll(async () => {
    app = await openAppPage(prefix, options);
  }, 120_000);

  afterAll(async () => app?.close());

  const suite: AppSuite = {
    get page() {
      return opened().page;
    },
    get bridge() {
      return opened().bridge;
    },
    get work() {
      return opened().work;
    },
    get problems() {
      return opened().problems;
    },
    main: () => suite.page.locator('main'),
    async goTo(view) {
      await suite.page.locator('nav').getByRole('button', { name: view }).click();
    },
    async selectByText(name, text) {
      const value = await suite.main().locator(`select[name=${name}] option`, { hasText: text }).first().getAttribute('value');
      await suite.main().locator(`select[name=${name}]`).selectOption(value!);
    },
    async openDemoProject() {
      await suite.page.getByRole('button', { name: /Open the demo project/ }).click();
      await suite.page.getByText(/Coffee ATR-FTIR/).first().waitFor();
    },
    async newProject(file) {
      suite.bridge.answers.saveProject.push(file);
      await suite.page.getByRole('button', { name: /New project/ }).click();
      await suite.main().getByText('No datasets yet').first().waitFor();
    },
    async importFile(file, dataset, split, axisUnit) {
      const { page, bridge } = suite;
      await page.keyboard.press('Control+i');
      const form = page.getByRole('dialog', { name: 'Import spectra' });
      if (dataset !== undefined) await form.locator('input[name=dataset]').fill(dataset);
      if (split) await form.getByLabel(split).check();
      if (axisUnit) {
        await form.getByText('More options').click();
        await form.locator('select[name=axisUnit]').selectOption(axisUnit);
      }
      bridge.answers.importFiles.push([file]);
      await form.getByRole('button', { name: 'Choose files…' }).click();
      const done = page.getByText(new RegExp(`Imported [\\d\\s]+ spectra from ${path.basename(file).replace('.', '\\.')}`)).first();
      await done.waitFor();
      const count = /Imported ([\d\s]+) spectra/.exec((await done.textContent()) ?? '')?.[1] ?? '';
      return Number(count.replace(/\s/g, ''));
    },
    async importUcr(name) {
      return [await suite.importFile(ucr(name, 'train'), name, 'train'), await suite.importFile(ucr(name, 'test'), name, 'test')];
    },
    async value<T>(channel: string, input: unknown = {}) {
      const result = await suite.bridge.session.invoke(channel, input);
      if (!result.ok) throw new Error(`${channel} failed: ${JSON.stringify(result)}`);
      return result.value as T;
    },
  };
  return suite;
}
