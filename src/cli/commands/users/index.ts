import type { Command } from 'commander';
import { ROLES, addUser, listUsers, removeUser } from '../../../api/index.js';
import { StrataError } from '../../../shared/index.js';
import { contextOf, withWarehouse } from '../../context.js';
import { table } from '../../output.js';

/** Reads a password from STRATA_USER_PASSWORD or stdin (never from argv, which `ps` shows). */
async function readPassword(): Promise<string> {
  const fromEnv = process.env['STRATA_USER_PASSWORD'];
  if (fromEnv) return fromEnv;
  if (process.stdin.isTTY) process.stderr.write('password: ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  if (!password) throw new StrataError('STRATA_ERR_USAGE', 'no password given: pipe it on stdin or set STRATA_USER_PASSWORD');
  return password;
}

export function register(program: Command): void {
  const users = program.command('users').description('API users (while `strata serve` runs, use its /api/v1/admin/users instead)');

  users
    .command('add')
    .description('add a user; the password comes from stdin or STRATA_USER_PASSWORD')
    .argument('<name>', 'user name')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .action(async (name: string, options: { role: string }, command: Command) => {
      const ctx = contextOf(command);
      const password = await readPassword();
      const user = await withWarehouse(ctx, (w) => addUser(w, name, password, options.role));
      ctx.out.result(user, () => `added ${user.user_name} (${user.role})`);
    });

  users
    .command('list')
    .description('list users and roles')
    .action(async (_options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const rows = await withWarehouse(ctx, (w) => listUsers(w));
      ctx.out.result(rows, () => (rows.length ? table(['user', 'role', 'created'], rows.map((u) => [u.user_name, u.role, u.created_at])) : '(no users)'));
    });

  users
    .command('remove')
    .description('remove a user and revoke their refresh tokens')
    .argument('<name>', 'user name')
    .action(async (name: string, _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const removed = await withWarehouse(ctx, (w) => removeUser(w, name));
      if (!removed) throw new StrataError('STRATA_ERR_USAGE', `no user ${name}`);
      ctx.out.result({ removed: name }, () => `removed ${name}`);
    });
}
