import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Run a CLI as `pnpm forecast-csv …` / `pnpm forecast-eval …` does (the root
 * package.json's command, without pnpm's own start-up): a child process, its
 * exit code and both streams.
 *
 * @example await runCli('forecast-eval', [dir, '--json']) // { code: 0, stdout: '{…}\n', stderr: '' }
 */
export function runCli(cli: 'forecast-csv' | 'forecast-eval', argv: readonly string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['scripts/bin/bundled-cli.js', cli, ...argv], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') {
        reject(new Error(`${cli} did not run: ${error.message}`, { cause: error }));
        return;
      }
      resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
    });
  });
}
