import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The repository root; bundles live under its dist/ so that their package imports resolve. */
const ROOT = new URL('../../', import.meta.url).pathname;
const OUT = join(ROOT, 'dist', 'crash-children');

const built = new Map<string, Promise<string>>();

/**
 * A child script compiled to one JavaScript file, built from the current sources on first use in this
 * process (so it is never stale) and shared by every run after. A crash test starts dozens of children:
 * run through tsx, each spends about two seconds compiling and resolving TypeScript before its first line
 * of work; the bundle starts in a fraction of that, so more of the test's time goes to the work the kills
 * interrupt. Packages stay external (loaded from node_modules as in production). `import.meta.url` is
 * replaced by each source file's own URL, so paths built from it (fixtures) resolve as they do unbundled.
 */
export function compiledChild(script: string): Promise<string> {
  let out = built.get(script);
  if (!out) {
    out = build(script);
    built.set(script, out);
  }
  return out;
}

async function build(script: string): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [script],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'silent',
    plugins: [
      {
        name: 'own-import-meta-url',
        setup(b) {
          b.onLoad({ filter: /\.ts$/ }, (args) => {
            const url = JSON.stringify(pathToFileURL(args.path).href);
            const source = readFileSync(args.path, 'utf8').replaceAll('import.meta.url', url);
            return { contents: source, loader: 'ts' };
          });
        },
      },
    ],
  });
  const code = result.outputFiles[0]?.contents;
  if (!code) throw new Error(`esbuild produced nothing for ${script}`);
  // Named by content: test files building the same child at once write the same bytes; rename is atomic.
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  mkdirSync(OUT, { recursive: true });
  const path = join(OUT, `${basename(script, '.ts')}-${hash}.mjs`);
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, code);
  renameSync(temp, path);
  return path;
}
