import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can, DEV_PRINCIPAL, type Permission, type Principal } from '../access/index.ts';

/**
 * Who may call a route: anyone ('public': health, login, the dashboard's static files), any signed-in
 * user ('signed-in': who am I, one's own tokens, the API documentation), or holders of a permission.
 */
export type AccessRule = 'public' | 'signed-in' | Permission;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: AccessRule;
  }
  interface FastifyRequest {
    /** Who the request acts as; ANONYMOUS on a public route called without credentials. */
    principal: Principal;
  }
}

/** No credentials: no permission, no division. */
export const ANONYMOUS: Principal = {
  kind: 'session',
  userId: '',
  username: '',
  displayName: '',
  roles: [],
  permissions: [],
  divisions: [],
};

export interface Authenticator {
  /** The principal of a session cookie or a Bearer API token; null without (valid) credentials. */
  authenticate(request: FastifyRequest): Promise<Principal | null>;
}

export interface RouteRule {
  method: string;
  url: string;
  access: AccessRule;
}

/**
 * Every route is protected by default: a route registered without `config.access` fails the start
 * (ready), so a new route cannot be served without a rule. Call before registering routes. Returns the
 * rules of the routes registered, filled once the app is ready (the permission-matrix tests are generated
 * from it).
 */
export function installAccess(
  app: FastifyInstance,
  options: { authenticator: Authenticator | null; loopbackOnly?: boolean },
): RouteRule[] {
  const routes: { methods: string[]; url: string; options: { config?: { access?: AccessRule } } }[] = [];
  const rules: RouteRule[] = [];
  app.decorateRequest('principal', null as unknown as Principal);
  // Plugins may set a default rule in their own onRoute hook: read the rules once every route is known.
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    routes.push({ methods, url: route.url, options: route });
  });
  app.addHook('onReady', async () => {
    const missing = routes.filter((r) => !r.options.config?.access);
    if (missing.length > 0)
      throw new Error(
        `routes without an access rule (config.access): ${missing.map((r) => `${r.methods.join(',')} ${r.url}`).join('; ')}`,
      );
    for (const r of routes)
      for (const method of r.methods)
        rules.push({ method, url: r.url, access: r.options.config?.access ?? 'public' });
  });
  app.addHook('onRequest', async (request, reply) => {
    // Dev mode on a loopback address answers loopback host names only (no DNS rebinding onto it).
    if (options.loopbackOnly && !isLoopback(hostName(request.headers.host)))
      return reply.code(403).send({
        statusCode: 403,
        error: 'Forbidden',
        message: 'dev mode (no login) answers requests to localhost only',
      });
    const rule = request.routeOptions.config?.access ?? 'public';
    const principal = options.authenticator
      ? await options.authenticator.authenticate(request)
      : DEV_PRINCIPAL;
    request.principal = principal ?? ANONYMOUS;
    if (principal?.kind !== 'token' && !['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
      // The session cookie is SameSite=Strict; a cross-site Origin on a write is refused as well — login and
      // logout included, and in dev mode too (a page elsewhere must not drive the local administrator).
      if (crossSite(request.headers.origin, request.headers.host))
        return reply
          .code(403)
          .send({ statusCode: 403, error: 'Forbidden', message: 'cross-site request refused' });
    }
    if (rule === 'public') return;
    if (!principal)
      return reply.code(401).send({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'sign in (POST /api/v1/auth/login) or send an API token (Authorization: Bearer …)',
      });
    if (rule === 'signed-in' || can(principal, rule)) return;
    return reply
      .code(403)
      .send({ statusCode: 403, error: 'Forbidden', message: `this needs the permission ${rule}` });
  });
  return rules;
}

export const isLoopback = (host: string): boolean =>
  ['localhost', '::1', '[::1]'].includes(host) || host.startsWith('127.');

/** The host name of a Host header (without the port); '' when absent. */
const hostName = (host: string | undefined): string => (host ?? '').replace(/:\d+$/, '').toLowerCase();

/** An Origin header naming another host than the request's (a malformed one counts as cross-site). */
function crossSite(origin: string | undefined, host: string | undefined): boolean {
  if (!origin || origin === 'null') return false;
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}
