import path from 'node:path';

export const PROJECT_EXTENSION = '.spectra';

export interface ArgvOptions {
  /** Unpackaged, argv is `electron . …`: the app path comes before the files. */
  isPackaged: boolean;
  /** Folder relative paths are resolved against (the second instance's working directory). */
  cwd: string;
  isFile(file: string): boolean;
}

/**
 * Files passed on the command line (double-click on a file, "Open with", a second launch):
 * the arguments after the executable (and after the app path when unpackaged) that are not
 * switches and name existing files.
 */
export function filesFromArgv(argv: readonly string[], { isPackaged, cwd, isFile }: ArgvOptions): string[] {
  const args = argv.slice(isPackaged ? 1 : 2);
  const files: string[] = [];
  for (const arg of args) {
    if (!arg || arg.startsWith('-')) continue;
    const abs = path.resolve(cwd, arg);
    if (isFile(abs) && !files.includes(abs)) files.push(abs);
  }
  return files;
}

export interface OpenedFiles {
  /** A project to open (the first `.spectra` file; the window shows one project at a time). */
  project: string | null;
  /** Everything else goes to the import form, as if dropped on the window. */
  imports: string[];
}

export function routeOpenedFiles(files: readonly string[]): OpenedFiles {
  const projects = files.filter((f) => path.extname(f).toLowerCase() === PROJECT_EXTENSION);
  return { project: projects[0] ?? null, imports: files.filter((f) => !projects.includes(f)) };
}
