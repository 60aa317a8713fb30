import type { Command } from 'commander';
import { ROLES, createApiKey, listApiKeys, revokeApiKey } from '../../../api/index.js';
import { StrataError } from '../../../shared/index.js';
import { contextOf, withWarehouse } from '../../context.js';
import { table } from '../../output.js';

export function register(program: Command): void {
  const keys = program.command('keys').description('API keys for machines (while `strata serve` runs, use its /api/v1/admin/keys instead)');

  keys
    .command('create')
    .description('create an API key; the key is printed once and only its hash is kept')
    .argument('<name>', 'what the key is for, e.g. "nightly-export"')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .action(async (name: string, options: { role: string }, command: Command) => {
      const ctx = contextOf(command);
      const created = await withWarehouse(ctx, (w) => createApiKey(w, name, options.role, 'cli'));
      ctx.out.result({ key: created.key, ...created.row }, () => `key ${created.row.key_id} (${created.row.role}): ${created.key}\nstore it now: it cannot be shown again. Send it as X-API-Key.`);
    });

  keys
    .command('list')
    .description('list keys (never their secrets)')
    .action(async (_options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const rows = await withWarehouse(ctx, (w) => listApiKeys(w));
      ctx.out.result(rows, () => (rows.length ? table(['key id', 'name', 'role', 'created', 'revoked'], rows.map((k) => [k.key_id, k.name, k.role, k.created_at, k.revoked_at])) : '(no keys)'));
    });

  keys
    .command('revoke')
    .description('revoke a key by its id')
    .argument('<key-id>', 'the id shown by `strata keys list`')
    .action(async (keyId: string, _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const revoked = await withWarehouse(ctx, (w) => revokeApiKey(w, keyId));
      if (!revoked) throw new StrataError('STRATA_ERR_USAGE', `no active key ${keyId}`);
      ctx.out.result({ revoked: keyId }, () => `revoked ${keyId}`);
    });
}
