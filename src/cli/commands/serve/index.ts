import path from 'node:path';
import type { Command } from 'commander';
import { startServer } from '../../../api/index.js';
import { projectRoot } from '../../../shared/index.js';
import { contextOf } from '../../context.js';
import { demoDataDir } from '../demo/index.js';

export function register(program: Command): void {
  program
    .command('serve')
    .description('serve the API (and own the warehouse: runs ingest and erasure in-process)')
    .option('--host <host>', 'interface to listen on (env STRATA_API_HOST, default 127.0.0.1)')
    .option('--port <port>', 'port (env STRATA_API_PORT, default 8080; 0 picks a free one)')
    .option('--demo', 'load the bundled demo data first if the warehouse has no gold yet')
    .action(async (options: { host?: string; port?: string; demo?: boolean }, command: Command) => {
      const ctx = contextOf(command);
      const say = (line: string): void => void process.stderr.write(`${line}\n`);
      const server = await startServer(ctx.config, {
        say,
        ...(options.demo ? { demoDir: demoDataDir() } : {}),
        settings: { ...(options.host ? { host: options.host } : {}), ...(options.port ? { port: options.port } : {}) },
        staticDir: path.join(projectRoot(), 'web', 'dist'),
      });
      ctx.out.result({ url: server.url, dashboard: `${server.url}/app/`, docs: `${server.url}/docs`, openapi: `${server.url}/openapi.json` }, () =>
        [
          `Strata dashboard: ${server.url}/app/   API: ${server.url}/api/v1  (docs: ${server.url}/docs, OpenAPI: ${server.url}/openapi.json)`,
          `get a token: curl -s -X POST ${server.url}/api/v1/auth/login -H 'content-type: application/json' -d '{"username":"admin","password":"<password>"}'`,
          `then:        curl -s ${server.url}/api/v1/kpis -H "authorization: Bearer <access_token>"`,
        ].join('\n'),
      );
      let closing = false;
      const stop = (signal: string): void => {
        if (closing) return;
        closing = true;
        say(`${signal}: closing the server and the warehouse`);
        server.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
      await server.ready;
      // Keep running until a signal arrives.
      await new Promise<never>(() => undefined);
    });
}
