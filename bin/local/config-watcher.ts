/**
 * Notices edits to the configuration file (or the sample module) while `npm start` runs.
 *
 * Polls the file's metadata (`fs.watchFile`) rather than subscribing to events (`fs.watch`):
 * editors save by writing a new file and renaming it over the old one, which ends an `fs.watch`
 * on the old file on Linux, and events differ across platforms and file systems; a `stat` a few
 * times a second on one file costs nothing and behaves the same everywhere. The poll does not keep
 * the process alive. Whether the content really changed is the reloader's to decide (a save that
 * changed nothing is ignored there).
 */
import { unwatchFile, watchFile, type Stats } from 'node:fs';

/** Calls `onChange` after the file at `path` was written, replaced, created or deleted; returns a function that stops watching. */
export function watchFileContent(path: string, intervalMs: number, onChange: () => void): () => void {
  const listener = (current: Stats, previous: Stats): void => {
    if (current.mtimeMs !== previous.mtimeMs || current.size !== previous.size || current.ino !== previous.ino) onChange();
  };
  watchFile(path, { interval: intervalMs, persistent: false }, listener);
  return () => unwatchFile(path, listener);
}
