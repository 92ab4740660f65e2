import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where `npm run build` puts the web console: dist/console of the package this module belongs
 * to, found by walking up from `from` to the folder holding package.json, so the same answer
 * comes from the sources (tsx) and from the build (dist/src).
 */
export function consoleDir(from: string = import.meta.url): string {
  let dir = path.dirname(fileURLToPath(from));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return path.join(dir, 'dist', 'console');
}
