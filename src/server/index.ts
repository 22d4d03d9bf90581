import path from 'node:path';
import type { CaseflowConfig } from '../config/index.ts';
import { ensureMaterialized } from '../mining/index.ts';
import { openOperationalStore, openStore } from '../store/index.ts';
import { buildApp } from './app.ts';

export { buildApp } from './app.ts';

export interface ServeOptions {
  dataDir: string;
  config: CaseflowConfig;
}

/** Starts the HTTP server; resolves once listening. Closes cleanly on SIGINT/SIGTERM. */
export async function startServer(options: ServeOptions): Promise<void> {
  const { dataDir, config } = options;
  const store = await openStore(dataDir);
  for (const notice of await store.prepare(config)) process.stderr.write(`caseflow: ${notice}\n`);
  const operational = await openOperationalStore({
    dataDir,
    databaseUrl: process.env.DATABASE_URL,
    onIdleError: (error) => process.stderr.write(`caseflow: operational database: ${error.message}\n`),
  });
  const production = process.env.NODE_ENV === 'production';
  const app = await buildApp({
    store,
    config,
    operational,
    schedule: true,
    logger: production
      ? { level: 'info' }
      : { level: 'info', transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname' } } },
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
