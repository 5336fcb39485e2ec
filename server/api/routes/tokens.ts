// API tokens (admin only). The secret is shown once, at creation; only its hash is stored.
import { ApiError } from '../../../kernel/http/errors.ts';
import type { Role, TokenRecord } from '../../../kernel/auth/tokens.ts';
import { hashToken, newTokenSecret } from '../../../kernel/auth/auth.ts';
import { route } from '../route.ts';
import { tokenCreate } from '../schemas.ts';

/** Public id of a token: the first 12 hex characters of its hash. */
const idOf = (t: TokenRecord) => t.hash.slice(0, 12);
const view = (t: TokenRecord) => ({ id: idOf(t), name: t.name, role: t.role, createdAt: t.createdAt });

export const tokenRoutes = [
  route({
    method: 'GET',
    path: '/tokens',
    role: 'admin',
    tag: 'tokens',
    summary: 'List tokens (never their secrets)',
    responses: { 200: '{ tokens }' },
    handler: async (_ctx, deps) => ({ body: { tokens: (await deps.store.listTokens()).map(view) } }),
  }),
  route({
    method: 'POST',
    path: '/tokens',
    role: 'admin',
    tag: 'tokens',
    summary: 'Create a token; the secret is in this answer only',
    body: tokenCreate,
    responses: { 201: '{ token: { id, name, role, secret } }' },
    handler: async (_ctx, deps, body) => {
      const secret = newTokenSecret();
      const rec: TokenRecord = { hash: hashToken(secret), name: body.name, role: body.role as Role, createdAt: deps.now() };
      await deps.store.addToken(rec);
      return { status: 201, body: { token: { ...view(rec), secret } } };
    },
  }),
  route({
    method: 'DELETE',
    path: '/tokens/:id',
    role: 'admin',
    tag: 'tokens',
    summary: 'Revoke a token by id',
    responses: { 204: 'revoked', 404: 'no such token' },
    handler: async (ctx, deps) => {
      const id = String((ctx as unknown as { params: { id: string } }).params.id);
      const t = (await deps.store.listTokens()).find((x) => idOf(x) === id);
      if (!t || !(await deps.store.deleteToken(t.hash))) throw new ApiError('not_found', `no token ${id}`);
      return { status: 204, body: null };
    },
  }),
];
