import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * cilint's own package folder, found upwards from this module: it runs from `src/` in tests and from
 * `dist/src/` once built, and ships `schemas/` and `docs/` beside them.
 */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string };
      if (pkg.name === 'cilint') return (root = dir);
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find cilint\'s package.json');
    dir = parent;
  }
}

export function packageFile(rel: string): string {
  return join(packageRoot(), rel);
}

export function packageJson(): { version: string; homepage?: string } {
  return JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string; homepage?: string };
}
