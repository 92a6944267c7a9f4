import { main } from '../../src/cli/main.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured streams, an explicit environment and a fixed clock. */
export async function runCli(
  argv: string[],
  env: Record<string, string>,
  now = '2025-11-12T09:00:00Z',
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env,
    now: () => new Date(now),
  });
  return { code, stdout, stderr };
}
