import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import { type CaseflowConfig, loadConfig, resolveDataDir } from '../config/index.ts';
import { type OperationalSchema, openOperationalStore, openStore, type Store } from '../store/index.ts';

/** What every command needs: global options, configuration, the store, output. */
export class CliContext {
  constructor(private readonly program: Command) {}

  get dataDir(): string {
    return resolveDataDir(this.program.opts<{ dataDir?: string }>().dataDir);
  }

  get configOption(): string | undefined {
    return this.program.opts<{ config?: string }>().config;
  }

  config(): CaseflowConfig {
    return loadConfig(this.configOption, process.env, this.dataDir);
  }

  /** Opens the store (finishing interrupted work, printing notices), runs `work`, closes it. */
  async withStore<T>(work: (store: Store) => Promise<T>, checkDerivation = true): Promise<T> {
    const store = await openStore(this.dataDir);
    try {
      for (const notice of await store.prepare(this.config(), { checkDerivation })) {
        process.stderr.write(`caseflow: ${notice}\n`);
      }
      return await work(store);
    } finally {
      store.close();
    }
  }

  /** Opens the operational store (PGlite under the data directory, or DATABASE_URL), runs `work`, closes it. */
  async withOperational<T>(work: (db: Kysely<OperationalSchema>) => Promise<T>): Promise<T> {
    const store = await openOperationalStore({
      dataDir: this.dataDir,
      databaseUrl: process.env.DATABASE_URL,
    });
    try {
      return await work(store.db);
    } finally {
      await store.close();
    }
  }

  print(json: boolean, value: unknown, text: () => string): void {
    process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
  }
}
