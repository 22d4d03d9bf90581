import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AccessError,
  type AccessService,
  type Actor,
  can,
  listAudit,
  PERMISSIONS,
  type Principal,
  type User,
} from '../../access/index.ts';
import type { AccessConfig, DivisionsConfig } from '../../config/index.ts';
import { listDivisions, type Store } from '../../store/index.ts';
import type { Authenticator } from '../access.ts';
import { errorSchema } from '../schemas.ts';

export const SESSION_COOKIE = 'caseflow_session';

/** Session cookie (dashboard) or `Authorization: Bearer cf_…` (REST API). A bad Bearer token is not a cookie. */
export function requestAuthenticator(service: AccessService): Authenticator {
  return {
    async authenticate(request) {
      const authorization = request.headers.authorization;
      if (authorization !== undefined) {
        const m = /^Bearer\s+(\S+)$/i.exec(authorization);
        return m?.[1] ? service.tokenPrincipal(m[1]) : null;
      }
      const session = request.cookies[SESSION_COOKIE];
      return session ? service.sessionPrincipal(session) : null;
    },
  };
}

const divisionsSchema = z
  .union([z.literal('all'), z.array(z.string().min(1))])
  .describe("division ids, or 'all' for every division");
const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(z.string()),
  divisions: divisionsSchema,
  disabled: z.boolean(),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
});
const roleSchema = z.object({
  name: z.string(),
  description: z.string(),
  permissions: z.array(z.string()),
  builtin: z.boolean(),
});
const tokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
const meSchema = z.object({
  mode: z
    .enum(['dev', 'login'])
    .describe('dev: access control is off, every request is the local administrator'),
  user: userSchema.nullable(),
  permissions: z.array(z.string()).describe('the effective permission patterns'),
  divisions: divisionsSchema,
});
const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema };

/** API tokens are managed from a signed-in session (or dev mode), never with a token. */
const assertNotToken = (request: FastifyRequest): void => {
  if (request.principal.kind === 'token')
    throw new AccessError(403, 'API tokens are managed from a signed-in session, not with a token');
};

const actorOf = (request: FastifyRequest): Actor => ({
  username: request.principal.username,
  ip: request.ip,
  principal: request.principal,
});

const userOf = (p: Principal): User => ({
  id: p.userId,
  username: p.username,
  displayName: p.displayName,
  roles: [...p.roles],
  divisions: p.divisions === 'all' ? 'all' : [...p.divisions],
  disabled: false,
  createdAt: '',
  lastLoginAt: null,
});

/** Answers an AccessError with its status; anything else goes to the app's error handler. */
async function guarded<T>(reply: FastifyReply, work: () => Promise<T>): Promise<T | FastifyReply> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof AccessError)) throw error;
    const names: Record<number, string> = {
      400: 'Bad Request',
      401: 'Unauthorized',
      403: 'Forbidden',
      404: 'Not Found',
      409: 'Conflict',
      429: 'Too Many Requests',
    };
    return reply
      .code(error.status)
      .send({ statusCode: error.status, error: names[error.status], message: error.message });
  }
}

/**
 * Sign-in, users, roles, API tokens and the audit log (README "Access control"). `service` is absent
 * without an operational store: then only /auth/me is served.
 */
export const accessRoutes: FastifyPluginAsyncZod<{
  service?: AccessService;
  config: AccessConfig;
  divisions: DivisionsConfig;
  store: Store;
  devMode: boolean;
}> = async (app, { service, config, divisions, store, devMode }) => {
  app.get(
    '/api/v1/auth/me',
    {
      config: { access: 'public' },
      schema: { tags: ['access'], summary: 'Who am I (mode dev: no login)', response: { 200: meSchema } },
    },
    async (request) => {
      const p = request.principal;
      const signedIn = p.userId !== '';
      const user = signedIn ? (p.kind !== 'dev' && (await service?.findUser(p.userId))) || userOf(p) : null;
      return {
        mode: devMode ? ('dev' as const) : ('login' as const),
        user,
        permissions: [...p.permissions],
        divisions: p.divisions === 'all' ? ('all' as const) : [...p.divisions],
      };
    },
  );
  if (!service) return;

  const cookieOptions = {
    path: '/',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: config.secureCookies ?? process.env.NODE_ENV === 'production',
  };

  app.post(
    '/api/v1/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags: ['access'],
        summary: 'Sign in: opens a session (cookie caseflow_session)',
        body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(512) }),
        response: { 200: z.object({ user: userSchema }), ...errors, 429: errorSchema },
      },
    },
    async (request, reply) =>
      guarded(reply, async () => {
        const { sessionId, user } = await service.login(
          request.body.username,
          request.body.password,
          request.ip,
        );
        reply.setCookie(SESSION_COOKIE, sessionId, { ...cookieOptions, maxAge: config.sessionHours * 3600 });
        return { user };
      }),
  );

  app.post(
    '/api/v1/auth/logout',
    { config: { access: 'public' }, schema: { tags: ['access'], summary: 'Sign out: ends the session' } },
    async (request, reply) => {
      const session = request.cookies[SESSION_COOKIE];
      if (session && request.principal.kind === 'session' && request.principal.userId)
        await service.logout(session, actorOf(request));
      reply.clearCookie(SESSION_COOKIE, cookieOptions);
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/v1/auth/password',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['access'],
        summary: 'Change one’s own password (ends the other sessions)',
        body: z.object({ currentPassword: z.string().max(512), newPassword: z.string().max(512) }),
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) =>
      guarded(reply, async () => {
        await service.changePassword(
          request.principal.userId,
          request.body.currentPassword,
          request.body.newPassword,
          actorOf(request),
          request.principal.kind === 'session' ? request.principal.credentialId : undefined,
        );
        return reply.code(204).send(null);
      }),
  );

  app.get(
    '/api/v1/users',
    {
      config: { access: 'admin:user:view' },
      schema: {
        tags: ['access'],
        summary: 'Users',
        response: { 200: z.object({ items: z.array(userSchema) }) },
      },
    },
    async () => ({ items: await service.listUsers() }),
  );

  app.post(
    '/api/v1/users',
    {
      config: { access: 'admin:user:edit' },
      schema: {
        tags: ['access'],
        summary: 'Create a user (without a password: a one-time password is generated and returned once)',
        body: z.object({
          username: z.string(),
          displayName: z.string().max(200).optional(),
          password: z.string().max(512).optional(),
          roles: z.array(z.string()),
          divisions: divisionsSchema,
        }),
        response: { 201: z.object({ user: userSchema, password: z.string().optional() }), ...errors },
      },
    },
    async (request, reply) =>
      guarded(reply, async () =>
        reply.code(201).send(await service.createUser(request.body, actorOf(request))),
      ),
  );

  app.patch(
    '/api/v1/users/:id',
    {
      config: { access: 'admin:user:edit' },
      schema: {
        tags: ['access'],
        summary: 'Change a user: roles, divisions, name, password, disabled (disabling ends the sessions)',
        params: z.object({ id: z.string() }),
        body: z.object({
          displayName: z.string().max(200).optional(),
          password: z.string().max(512).optional(),
          roles: z.array(z.string()).optional(),
          divisions: divisionsSchema.optional(),
          disabled: z.boolean().optional(),
        }),
        response: { 200: z.object({ user: userSchema }), ...errors },
      },
    },
    async (request, reply) =>
      guarded(reply, async () => {
        const target = await service.findUser(request.params.id);
        if (request.body.disabled === true && target?.id === request.principal.userId)
          throw new AccessError(409, 'you cannot disable yourself');
        return { user: await service.updateUser(request.params.id, request.body, actorOf(request)) };
      }),
  );

  app.get(
    '/api/v1/roles',
    {
      config: { access: 'admin:user:view' },
      schema: {
        tags: ['access'],
        summary: 'Roles: built-in and custom',
        response: { 200: z.object({ items: z.array(roleSchema) }) },
      },
    },
    async () => ({
      items: (await service.listRoles()).map((r) => ({ ...r, permissions: [...r.permissions] })),
    }),
  );

  const roleBody = z.object({
    description: z.string().max(500).optional(),
    permissions: z.array(z.string()),
  });
  app.post(
    '/api/v1/roles',
    {
      config: { access: 'admin:role:edit' },
      schema: {
        tags: ['access'],
        summary: 'Create a custom role',
        body: roleBody.extend({ name: z.string() }),
        response: { 201: roleSchema, ...errors },
      },
    },
    async (request, reply) =>
      guarded(reply, async () => {
        const role = await service.createRole(request.body, actorOf(request));
        return reply.code(201).send({ ...role, permissions: [...role.permissions] });
      }),
  );

  app.put(
    '/api/v1/roles/:name',
    {
      config: { access: 'admin:role:edit' },
      schema: {
        tags: ['access'],
        summary: 'Change a custom role',
        params: z.object({ name: z.string() }),
        body: roleBody.partial(),
        response: { 200: roleSchema, ...errors },
      },
    },
    async (request, reply) =>
      guarded(reply, async () => {
        const role = await service.updateRole(request.params.name, request.body, actorOf(request));
        return { ...role, permissions: [...role.permissions] };
      }),
  );

  app.delete(
    '/api/v1/roles/:name',
    {
      config: { access: 'admin:role:edit' },
      schema: {
        tags: ['access'],
        summary: 'Delete a custom role nobody holds',
        params: z.object({ name: z.string() }),
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) =>
      guarded(reply, async () => {
        await service.deleteRole(request.params.name, actorOf(request));
        return reply.code(204).send(null);
      }),
  );

  app.get(
    '/api/v1/permissions',
    {
      config: { access: 'admin:user:view' },
      schema: {
        tags: ['access'],
        summary: 'The permission strings roles and token scopes are made of',
        response: {
          200: z.object({ items: z.array(z.object({ name: z.string(), description: z.string() })) }),
        },
      },
    },
    async () => ({
      items: Object.entries(PERMISSIONS).map(([name, description]) => ({ name, description })),
    }),
  );

  app.get(
    '/api/v1/divisions',
    {
      config: { access: 'admin:user:view' },
      schema: {
        tags: ['access'],
        summary:
          'The divisions users can be given: from the Genesys directory, the configuration and the data',
        response: {
          200: z.object({
            items: z.array(z.object({ id: z.string(), name: z.string(), conversations: z.number() })),
          }),
        },
      },
    },
    async () => ({ items: await listDivisions(store.db, divisions) }),
  );

  app.get(
    '/api/v1/tokens',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['access'],
        summary: 'One’s own API tokens (a user’s with admin:user:view and ?userId=)',
        querystring: z.object({ userId: z.string().optional() }),
        response: { 200: z.object({ items: z.array(tokenSchema) }), ...errors },
      },
    },
    async (request, reply) =>
      guarded(reply, async () => {
        assertNotToken(request);
        const userId = request.query.userId ?? request.principal.userId;
        if (userId !== request.principal.userId && !can(request.principal, 'admin:user:view'))
          throw new AccessError(403, 'this needs the permission admin:user:view');
        return { items: await service.listTokens(userId) };
      }),
  );

  app.post(
    '/api/v1/tokens',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['access'],
        summary:
          'Create an API token (the secret is in this answer only; send it as Authorization: Bearer …)',
        body: z.object({
          name: z.string(),
          scopes: z.array(z.string()).describe('permission patterns, within your own permissions'),
          expiresInDays: z.number().int().min(1).max(3650).optional(),
        }),
        response: { 201: z.object({ token: tokenSchema, secret: z.string() }), ...errors },
      },
    },
    async (request, reply) =>
      guarded(reply, async () => {
        assertNotToken(request);
        return reply
          .code(201)
          .send(await service.createToken(request.principal, request.body, actorOf(request)));
      }),
  );

  app.delete(
    '/api/v1/tokens/:id',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['access'],
        summary: 'Revoke an API token (one’s own, or anyone’s with admin:user:edit)',
        params: z.object({ id: z.string() }),
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) =>
      guarded(reply, async () => {
        assertNotToken(request);
        await service.revokeToken(request.principal, request.params.id, actorOf(request));
        return reply.code(204).send(null);
      }),
  );

  app.get(
    '/api/v1/audit',
    {
      config: { access: 'admin:audit:view' },
      schema: {
        tags: ['access'],
        summary: 'Audit log, newest first: logins, exports, permission changes, data erasure',
        querystring: z.object({
          page: z.coerce.number().int().min(1).default(1),
          pageSize: z.coerce.number().int().min(1).max(500).default(50),
          action: z.string().optional().describe('an action or its prefix: login matches login.failed too'),
          actor: z.string().optional(),
          from: z.iso.datetime({ offset: true }).optional(),
          to: z.iso.datetime({ offset: true }).optional(),
        }),
        response: {
          200: z.object({
            total: z.number(),
            items: z.array(
              z.object({
                id: z.number(),
                at: z.string(),
                actor: z.string(),
                action: z.string(),
                target: z.string().nullable(),
                details: z.unknown(),
                ip: z.string().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => listAudit(service.db, request.query),
  );
};
