import { readFileSync } from 'node:fs';

/**
 * paperboy's version, from its package.json: the nearest one above this file that is paperboy's, since
 * the sources (src/cli/) and the compiled CLI (dist/src/cli/) sit at different depths below it.
 */
export function packageVersion(): string {
  for (let dir = new URL('.', import.meta.url); ; dir = new URL('..', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'paperboy' && pkg.version) return pkg.version;
    } catch {
      // No package.json at this level (or not JSON): look one level up.
    }
    if (new URL('..', dir).href === dir.href) return 'unknown';
  }
}
