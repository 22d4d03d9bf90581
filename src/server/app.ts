import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { AccessService } from '../access/index.ts';
import type { CaseflowConfig } from '../config/index.ts';
import { type Clock, JourneyService, systemClock } from '../journey/index.ts';
import { ensureMaterialized, UnknownDatasetError } from '../mining/index.ts';
import { pseudonymizerFor } from '../privacy/index.ts';
import { ExportRunner, type ExportRunnerOptions } from '../reports/export-runner.ts';
import { ScheduledGenesysSync } from '../sources/genesys/index.ts';
import type { OperationalStore, Store } from '../store/index.ts';
import { CallbackDispatcher } from '../work/callback-dispatcher.ts';
import { RoutingEngine } from '../work/engine.ts';
import { WorkEventFeeder } from '../work/eventlog.ts';
import { WorkService } from '../work/index.ts';
import { WorkScheduler } from '../work/scheduler.ts';
import { WorkStream } from '../work/stream.ts';
import { WorkflowService } from '../workflows/index.ts';
import { type Authenticator, installAccess, isLoopback, type RouteRule } from './access.ts';
import { accessRoutes, requestAuthenticator } from './routes/access.ts';
import { eventlogRoutes } from './routes/eventlog.ts';
import { exportsRoutes } from './routes/exports.ts';
import { homeRoutes } from './routes/home.ts';
import { journeyRoutes } from './routes/journey.ts';
import { miningRoutes } from './routes/mining.ts';
import { privacyRoutes } from './routes/privacy.ts';
import { reportsRoutes } from './routes/reports.ts';
import { sourcesRoutes } from './routes/sources.ts';
import { dashboardBuilt, WEB_DIST, webRoutes } from './routes/web.ts';
import { workRoutes } from './routes/work.ts';
import { workCallbackRoutes } from './routes/work-callbacks.ts';
import { workflowRoutes } from './routes/workflows.ts';

export interface AppOptions {
  store: Store;
  config: CaseflowConfig;
  /** pino logger settings; false in tests. */
  logger?: boolean | Record<string, unknown>;
  /** The built dashboard to serve at `/`; default web/dist. Without it, `/` is the status page. */
  webRoot?: string | null;
  /** Run the scheduled source syncs (the server does; tests choose). */
  schedule?: boolean;
  /** Where the connectors read their secrets; default process.env. */
  env?: NodeJS.ProcessEnv;
  /**
   * The operational store (PostgreSQL: exports, workflows…). The routes that need it are served only
   * when it is given; the server always gives it.
   */
  operational?: OperationalStore;
  /**
   * Who requests act as (server/access.ts). Null or absent: dev mode, every request is the local
   * administrator. The server passes the access service when access.enabled is on.
   */
  authenticator?: Authenticator | null;
  /** The clock of sessions and tokens (tests); default Date.now. */
  now?: () => number;
  /** The customer journey's clock: the time and the live-status timers (tests); default the system clock. */
  journeyClock?: Clock;
  /** The agents' work stream: heartbeat and credentials check period, ms; default 15 s (tests shorten it). */
  workStreamHeartbeatMs?: number;
  /** Background data exports (with `operational`): clock, clean-up period, retention (tests set them). */
  exports?: Pick<ExportRunnerOptions, 'now' | 'cleanupEveryMs' | 'retentionMs' | 'progressEveryMs'>;
}

export { VERSION } from './version.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route's access rule, once the app is ready (server/access.ts). */
    accessRules: RouteRule[];
  }
}

import { VERSION } from './version.ts';

/** The Fastify application: REST API under /api/v1, OpenAPI at /api/openapi.json, docs UI at /api/docs. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((error, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const details = error.validation
        .map((v) => `${v.instancePath.replace(/^\//, '') || 'request'}: ${v.message}`)
        .join('; ');
      return reply
        .code(400)
        .send({ statusCode: 400, error: 'Bad Request', message: `${error.validationContext}: ${details}` });
    }
    if (error instanceof UnknownDatasetError) {
      return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: error.message });
    }
    if (error instanceof RangeError) {
      return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: error.message });
    }
    request.log.error(error);
    const statusCode = (error as { statusCode?: number }).statusCode ?? 500;
    return reply.code(statusCode).send({
      statusCode,
      error: statusCode >= 500 ? 'Internal Server Error' : 'Error',
      message: statusCode >= 500 ? 'internal error; see the server log' : (error as Error).message,
    });
  });

  // Access control: the service needs the operational store; dev mode (access.enabled off) has no login.
  const accessService = options.operational
    ? new AccessService(options.operational.db, options.config.access, { now: options.now })
    : undefined;
  const authenticator =
    options.authenticator !== undefined
      ? options.authenticator
      : options.config.access.enabled && accessService
        ? requestAuthenticator(accessService)
        : null;
  if (options.config.access.enabled && !authenticator)
    throw new Error('access.enabled needs the operational store (users, sessions, tokens)');
  await app.register(cookie);
  const accessRules = installAccess(app, {
    authenticator,
    loopbackOnly: authenticator === null && isLoopback(options.config.server.host),
  });
  app.decorate('accessRules', accessRules);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Caseflow API',
        version: VERSION,
        description: 'Service-request event log, KPIs and exports. Timestamps are ISO-8601 UTC.',
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(async (docs) => {
    docs.addHook('onRoute', (route) => {
      route.config = { ...route.config, access: route.config?.access ?? 'signed-in' };
    });
    await docs.register(swaggerUi, { routePrefix: '/api/docs' });
  });
  app.get('/api/openapi.json', { config: { access: 'signed-in' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  await app.register(accessRoutes, {
    service: accessService,
    config: options.config.access,
    divisions: options.config.divisions,
    store: options.store,
    devMode: authenticator === null,
  });
  await app.register(eventlogRoutes, { store: options.store, config: options.config });
  await app.register(miningRoutes, { store: options.store, config: options.config });
  await app.register(reportsRoutes, { store: options.store, config: options.config });
  // One journey service: the journeys and work automation's blending list share its identity index.
  const journeys = new JourneyService({
    store: options.store,
    db: options.operational?.db ?? null,
    config: options.config,
    clock: options.journeyClock ?? systemClock,
    ...(options.env ? { env: options.env } : {}),
  });
  await app.register(journeyRoutes, {
    service: journeys,
    store: options.store,
    config: options.config,
    operational: options.operational,
    clock: options.journeyClock,
    env: options.env,
    authenticator,
  });
  // Workflows: trigger scan (at start, every scanIntervalSeconds, after each sync) and outbox delivery.
  const workflows = options.operational
    ? new WorkflowService({
        store: options.store,
        db: options.operational.db,
        config: options.config,
        env: options.env,
        log: { info: (m) => app.log.info(m), warn: (m) => app.log.warn(m), error: (m) => app.log.error(m) },
      })
    : undefined;
  const genesys = new ScheduledGenesysSync({
    store: options.store,
    config: options.config,
    env: options.env,
    log: {
      info: (m) => app.log.info(m),
      warn: (m) => app.log.warn(m),
      error: (m) => app.log.error(m),
    },
    // Warm the process-mining tables with the new data, so the next dashboard view is fast.
    // Then look for newly closed conversations for the workflows.
    afterRun: () => ensureMaterialized(options.store, 'default').finally(() => workflows?.dataChanged()),
  });
  app.addHook('onClose', () => genesys.stop());
  await app.register(sourcesRoutes, { genesys });
  if (options.operational) {
    // Data exports: worked off in the background, one at a time; expired files cleaned up hourly.
    const exportRunner = new ExportRunner({
      store: options.store,
      operational: options.operational,
      ...options.exports,
      log: { info: (m) => app.log.info(m), error: (m) => app.log.error(m) },
    });
    app.addHook('onReady', () => exportRunner.start());
    app.addHook('onClose', () => exportRunner.stop());
    await app.register(exportsRoutes, { runner: exportRunner });
    await app.register(privacyRoutes, {
      store: options.store,
      config: options.config,
      operational: options.operational,
      env: options.env,
    });
    // Work automation: work items and their definitions (the clock `now` sets creation times and due dates).
    const now = options.now;
    const work = new WorkService({
      db: options.operational.db,
      defaultDivision: options.config.divisions.default,
      pseudonymizer: pseudonymizerFor(options.config, options.env ?? process.env),
      ...(now ? { now: () => new Date(now()) } : {}),
    });
    // Push routing (on each change that may free an agent or queue an item), the timed rules (offer
    // expiry, no-agent rules, SLA escalation, re-prioritization) and the agents' live notifications.
    const workSettings = options.config.work;
    const routing = new RoutingEngine(work, {
      offerTimeoutSeconds: workSettings.offerTimeoutSeconds,
      log: { error: (m) => app.log.error(m) },
    });
    const scheduler = new WorkScheduler(work, routing, {
      schedulerSeconds: workSettings.schedulerSeconds,
      reprioritizeSeconds: workSettings.reprioritizeSeconds,
      now: now ?? Date.now,
      log: { error: (m) => app.log.error(m) },
    });
    const workStream = new WorkStream(options.operational.db, {
      pollMs: 1000,
      log: { error: (m) => app.log.error(m) },
    });
    const unfollow = [routing.follow(), work.onChange(() => workStream.poke())];
    app.addHook('onClose', async () => {
      for (const stop of unfollow) stop();
      await scheduler.stop();
      workStream.stop();
    });
    if (options.schedule) app.addHook('onReady', async () => scheduler.start());
    await app.register(workRoutes, {
      work,
      routing,
      stream: workStream,
      authenticator,
      store: options.store,
      journeys,
      ...(options.workStreamHeartbeatMs ? { heartbeatMs: options.workStreamHeartbeatMs } : {}),
    });
    // Calls back to source systems: delivered from the outbox at start, after every change made through the
    // work API, at the next due retry, and every work.callbacks.pollIntervalSeconds (other processes' changes).
    const callbacks = new CallbackDispatcher({
      db: options.operational.db,
      settings: options.config.work.callbacks,
      env: options.env,
      ...(now ? { now: () => new Date(now()) } : {}),
      log: { info: (m) => app.log.info(m), warn: (m) => app.log.warn(m), error: (m) => app.log.error(m) },
    });
    app.addHook('onClose', () => callbacks.stop());
    if (options.schedule) app.addHook('onReady', async () => callbacks.start());
    app.addHook('onResponse', async (request, reply) => {
      if (request.method !== 'GET' && request.url.startsWith('/api/v1/work/') && reply.statusCode < 300)
        callbacks.wake();
    });
    await app.register(workCallbackRoutes, { callbacks });
    // Work items into the event log (src/work/eventlog.ts): every minute and shortly after a change made
    // through the work API, on a DuckDB connection of its own.
    if (options.schedule) {
      const operationalDb = options.operational.db;
      let feeder: WorkEventFeeder | null = null;
      let feederStore: Store | null = null;
      app.addHook('onReady', async () => {
        feederStore = await options.store.fork();
        feeder = new WorkEventFeeder({
          store: feederStore,
          db: operationalDb,
          log: { error: (m) => app.log.error(m) },
          afterWrite: () => ensureMaterialized(options.store, 'default'),
        });
        feeder.start();
      });
      app.addHook('onClose', async () => {
        await feeder?.stop();
        feederStore?.close();
      });
      app.addHook('onResponse', async (request, reply) => {
        if (request.method !== 'GET' && request.url.startsWith('/api/v1/work/') && reply.statusCode < 300)
          feeder?.changed();
      });
    }
  }
  if (workflows) {
    app.addHook('onClose', () => workflows.stop());
    if (options.schedule) app.addHook('onReady', async () => workflows.start());
    await app.register(workflowRoutes, { workflows, store: options.store });
  }
  if (options.schedule) app.addHook('onReady', async () => genesys.start());
  // The status page ("what is loaded") stays at /status; `/` is the dashboard once it is built.
  const webRoot = options.webRoot === undefined ? WEB_DIST : options.webRoot;
  const dashboard = webRoot !== null && dashboardBuilt(webRoot);
  await app.register(homeRoutes, { store: options.store, paths: dashboard ? ['/status'] : ['/', '/status'] });
  if (dashboard && webRoot) await app.register(webRoutes, { root: webRoot });
  return app;
}
