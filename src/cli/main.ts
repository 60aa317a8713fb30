/**
 * `strata`: thin registration of one command per folder. Errors print one line with their code
 * and location, never a stack trace (set STRATA_DEBUG=1 for one).
 */
import { Command } from 'commander';
import { describeError, isStrataError } from '../shared/index.js';
import { register as registerDemo } from './commands/demo/index.js';
import { register as registerGenerate } from './commands/generate/index.js';
import { register as registerIngest } from './commands/ingest/index.js';
import { register as registerQuality } from './commands/quality/index.js';
import { register as registerQuery } from './commands/query/index.js';
import { register as registerRun } from './commands/run/index.js';
import { register as registerStatus } from './commands/status/index.js';
import { register as registerServe } from './commands/serve/index.js';
import { register as registerUsers } from './commands/users/index.js';
import { register as registerKeys } from './commands/keys/index.js';
import { register as registerRuns } from './commands/runs/index.js';
import { register as registerLineage } from './commands/lineage/index.js';
import { register as registerStream } from './commands/stream/index.js';
import { register as registerAlerts } from './commands/alerts/index.js';
import { register as registerPull } from './commands/pull/index.js';
import { register as registerDocs } from './commands/docs/index.js';
import { register as registerDaemon } from './commands/daemon/index.js';
import { register as registerWorker } from './commands/worker/index.js';

const program = new Command()
  .name('strata')
  .description('Strata: ingest retail sales, prove their quality, model them, serve them')
  .option('--json', 'print machine-readable JSON')
  .option('--data-dir <dir>', 'where the warehouse and staging files live (env STRATA_DATA_DIR, default ./data)')
  .option('--warehouse <file>', 'warehouse file (env STRATA_WAREHOUSE_PATH, default <data-dir>/strata.duckdb)')
  .showHelpAfterError()
  .configureOutput({ outputError: (text, write) => write(text) })
  .exitOverride();

for (const register of [registerRun, registerIngest, registerQuality, registerStatus, registerQuery, registerGenerate, registerDemo, registerServe, registerUsers, registerKeys, registerStream, registerRuns, registerLineage, registerAlerts, registerPull, registerDocs, registerDaemon, registerWorker]) register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const code = (error as { code?: string }).code ?? '';
  if (code.startsWith('commander.')) {
    process.exitCode = code === 'commander.helpDisplayed' || code === 'commander.version' ? 0 : 2;
  } else {
    process.stderr.write(`strata: ${describeError(error)}\n`);
    if (process.env['STRATA_DEBUG'] && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = isStrataError(error) && error.code === 'STRATA_ERR_USAGE' ? 2 : 1;
  }
}
