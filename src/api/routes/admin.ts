/** Users and API keys over HTTP, for when the server owns the warehouse (admin only, audited). */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { StrataError } from '../../shared/index.js';
import { ROLES, addUser, audit, createApiKey, listApiKeys, listUsers, principalName, removeUser, revokeApiKey } from '../auth/index.js';
import type { RouteDeps } from '../route-deps.js';
import { AnyObject, errorResponses } from '../schemas.js';

const Role = Type.Union(ROLES.map((r) => Type.Literal(r)));
const NewUser = Type.Object({ username: Type.String({ minLength: 2, maxLength: 64 }), password: Type.String({ minLength: 12, maxLength: 1024 }), role: Role }, { additionalProperties: false });
const NewKey = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }), role: Role }, { additionalProperties: false });
const Name = Type.Object({ name: Type.String({ pattern: '^[A-Za-z0-9_.@-]{1,64}$' }) });

export function adminRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const schema = (summary: string, extra: object = {}) => ({ tags: ['admin'], summary, response: { 200: AnyObject, ...errorResponses }, ...extra });

  app.get('/api/v1/admin/users', { config: { access: 'admin' }, schema: schema('List users') }, async () => ({ users: await listUsers(deps.db) }));

  app.post('/api/v1/admin/users', { config: { access: 'admin' }, schema: schema('Add a user', { body: NewUser }) }, async (request) => {
    const body = request.body as Static<typeof NewUser>;
    const user = await addUser(deps.db, body.username, body.password, body.role);
    await audit(deps.db, principalName(request.principal!), 'user.add', body.username, { role: body.role });
    return user;
  });

  app.delete('/api/v1/admin/users/:name', { config: { access: 'admin' }, schema: schema('Remove a user and revoke their refresh tokens', { params: Name }) }, async (request) => {
    const { name } = request.params as Static<typeof Name>;
    if (request.principal?.kind === 'user' && request.principal.id === name) throw new StrataError('STRATA_ERR_CONFLICT', 'you cannot remove yourself');
    if (!(await removeUser(deps.db, name))) throw new StrataError('STRATA_ERR_NOT_FOUND', `no user ${name}`);
    await audit(deps.db, principalName(request.principal!), 'user.remove', name, null);
    return { removed: name };
  });

  app.get('/api/v1/admin/keys', { config: { access: 'admin' }, schema: schema('List API keys (never the secrets)') }, async () => ({ keys: await listApiKeys(deps.db) }));

  app.post('/api/v1/admin/keys', { config: { access: 'admin' }, schema: schema('Create an API key; the key is shown once', { body: NewKey }) }, async (request) => {
    const body = request.body as Static<typeof NewKey>;
    const created = await createApiKey(deps.db, body.name, body.role, principalName(request.principal!));
    await audit(deps.db, principalName(request.principal!), 'key.create', created.row.key_id, { name: body.name, role: body.role });
    return { key: created.key, ...created.row };
  });

  app.delete('/api/v1/admin/keys/:name', { config: { access: 'admin' }, schema: schema('Revoke an API key', { params: Name }) }, async (request) => {
    const { name } = request.params as Static<typeof Name>;
    if (!(await revokeApiKey(deps.db, name))) throw new StrataError('STRATA_ERR_NOT_FOUND', `no active key ${name}`);
    deps.apiKeys.clear();
    await audit(deps.db, principalName(request.principal!), 'key.revoke', name, null);
    return { revoked: name };
  });
}
