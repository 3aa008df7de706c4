/**
 * File names as the user gave them. Pure string work, so that a path written on Windows
 * ('C:\data\a.spc') is read the same on every platform and in the renderer.
 */

/** The last segment of a '/' or '\' path. */
export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/**
 * File name without folders and without its last extension: the sample id of a
 * single-spectrum file. A leading dot ('.hidden') starts the name, not an extension.
 */
export function fileStem(fileName: string): string {
  const base = baseName(fileName);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}
