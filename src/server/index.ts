import path from 'node:path';
import { AccessService } from '../access/index.ts';
import { type CaseflowConfig, ConfigError } from '../config/index.ts';
import { ensureMaterialized } from '../mining/index.ts';
import { openOperationalStore, openStore } from '../store/index.ts';
import { isLoopback } from './access.ts';
import { buildApp } from './app.ts';
import { LOG_SERIALIZERS } from './logging.ts';

export { buildApp } from './app.ts';

export interface ServeOptions {
  dataDir: string;
  config: CaseflowConfig;
}

/** NODE_ENV=production refuses dev mode (no login). */
export function assertServable(config: CaseflowConfig, env: NodeJS.ProcessEnv = process.env): void {
  if (env.NODE_ENV === 'production' && !config.access.enabled)
    throw new ConfigError(
      'NODE_ENV=production needs access control: set "access": { "enabled": true } in the configuration (or CASEFLOW_AUTH=on); dev mode (no login) is for a local machine only',
    );
}

/** Starts the HTTP server; resolves once listening. Closes cleanly on SIGINT/SIGTERM. */
export async function startServer(options: ServeOptions): Promise<void> {
  const { dataDir, config } = options;
  assertServable(config);
  const production = process.env.NODE_ENV === 'production';
  const store = await openStore(dataDir);
  for (const notice of await store.prepare(config)) process.stderr.write(`caseflow: ${notice}\n`);
  const operational = await openOperationalStore({
    dataDir,
    databaseUrl: process.env.DATABASE_URL,
    onIdleError: (error) => process.stderr.write(`caseflow: operational database: ${error.message}\n`),
  });
  if (config.access.enabled) {
    const first = await new AccessService(operational.db, config.access).ensureFirstAdmin();
    if (first)
      process.stderr.write(
        `caseflow: first administrator: ${first.username} / ${first.password} (shown once: sign in and change it, or caseflow users update ${first.username} --reset-password)\n`,
      );
  } else if (!isLoopback(config.server.host)) {
    process.stderr.write(
      `caseflow: WARNING: access control is off (dev mode: no login) and the server listens on ${config.server.host}: anyone who reaches it is an administrator. Turn it on with CASEFLOW_AUTH=on.\n`,
    );
  }
  const app = await buildApp({
    store,
    config,
    operational,
    schedule: true,
    logger: production
      ? { level: 'info', serializers: LOG_SERIALIZERS }
      : {
          level: 'info',
          serializers: LOG_SERIALIZERS,
          transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname' } },
        },
  });
  const close = async () => {
    await app.close();
    await operational.close();
    store.close();
    process.exit(0);
  };
  process.once('SIGINT', close);
  process.once('SIGTERM', close);
  await app.listen({ port: config.server.port, host: config.server.host });
  // Warm the process-mining tables of the Genesys log, so that the first dashboard view is fast.
  ensureMaterialized(store, 'default').catch((error: unknown) => app.log.error(error));
  const address = `http://${config.server.host}:${config.server.port}`;
  process.stderr.write(`Caseflow serving ${path.resolve(dataDir)} at ${address}\n`);
}
