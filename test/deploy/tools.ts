/**
 * Debian tools the deploy checks run (promtool, amtool). Outside CI a missing tool skips its tests
 * with a loud warning; with CI set it fails them, like the server harnesses.
 */
import { execFile, spawnSync } from 'node:child_process';

export function toolAvailable(name: string, debianPackage: string): boolean {
  const found = spawnSync(name, ['--version'], { encoding: 'utf8' });
  const ok = !found.error && found.status === 0;
  if (!ok && process.env['CI']) throw new Error(`${name} is required in CI (Debian package ${debianPackage}) but was not found`);
  if (!ok) console.warn(`\n!!! ${name} not found (apt-get install ${debianPackage}): SKIPPING the tests that need it !!!\n`);
  return ok;
}

export interface ToolResult {
  readonly code: number;
  readonly output: string;
}

export function runTool(name: string, args: readonly string[], cwd: string): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    execFile(name, args, { cwd, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: error ? Number(error.code) : 0, output: `${stdout}${stderr}` });
    });
  });
}
