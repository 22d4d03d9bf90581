import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { CaseflowConfig } from '../config/index.ts';
import { openStore } from '../store/index.ts';
import { buildApp } from './app.ts';

export { buildApp } from './app.ts';

export interface ServeOptions {
  dataDir: string;
  config: CaseflowConfig;
  /** Load the demo data set when the data directory holds no data yet. */
  demo: boolean;
  loadDemo: (
    dataDir: string,
    opts: { conversations: number; days: number; seed: number; end: string },
    showProgress: boolean,
  ) => Promise<unknown>;
}

const isEmptyDataDir = (dir: string): boolean =>
  !existsSync(dir) || !readdirSync(dir).some((f) => f === 'caseflow.duckdb');

/** Starts the HTTP server; resolves once listening. Closes cleanly on SIGINT/SIGTERM. */
export async function startServer(options: ServeOptions): Promise<void> {
  const { dataDir, config } = options;
  if (options.demo && isEmptyDataDir(dataDir)) {
    process.stderr.write(`No data in ${dataDir}: generating and importing the demo data set…\n`);
    const { DEMO_DEFAULTS } = await import('../demo/index.ts');
    await options.loadDemo(dataDir, DEMO_DEFAULTS, true);
  }
  const store = await openStore(dataDir);
  const production = process.env.NODE_ENV === 'production';
  const app = await buildApp({
    store,
    config,
    logger: production
      ? { level: 'info' }
      : { level: 'info', transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname' } } },
  });
  const close = async () => {
    await app.close();
    store.close();
    process.exit(0);
  };
  process.once('SIGINT', close);
  process.once('SIGTERM', close);
  await app.listen({ port: config.server.port, host: config.server.host });
  const address = `http://${config.server.host}:${config.server.port}`;
  process.stderr.write(`Caseflow serving ${path.resolve(dataDir)} at ${address}\n`);
}
