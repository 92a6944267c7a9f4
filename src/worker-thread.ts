import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts the worker thread whose module is `name` (no extension) beside the module at `from` (its
 * import.meta.url): the compiled `.js` when that module runs compiled, else the `.ts` source (tsx, tests),
 * in which case the thread registers the TypeScript loader first, because Node 20 does not pass the
 * parent's loader hooks on to worker threads.
 */
export function startWorker(from: string, name: string, options: WorkerOptions): Worker {
  const fromSources = from.endsWith('.ts');
  const url = new URL(`${name}${fromSources ? '.ts' : '.js'}`, from);
  return fromSources
    ? new Worker(
        `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`,
        { ...options, eval: true },
      )
    : new Worker(url, options);
}
