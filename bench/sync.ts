/**
 * Benchmark: Genesys API sync throughput against the fake Genesys API on 127.0.0.1 (HTTP, JSON, paging,
 * checkpoints — Genesys's own latency not included): a historical run (details jobs + queries), then an
 * incremental run over the look-back window. Prints JSON. Usage: npm run bench:sync [-- --conversations 20000]
 */
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../src/config/index.ts';
import { demoConversations } from '../src/demo/index.ts';
import { syncGenesys } from '../src/sources/genesys/index.ts';
import { openStore } from '../src/store/index.ts';
import { FakeGenesys } from '../test/fake-genesys.ts';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const conversations = arg('conversations', 20_000);
const days = arg('days', 30);
const DAY = 86_400_000;
const end = Date.parse('2026-11-01T00:00:00Z');
const work = path.join(tmpdir(), `caseflow-bench-sync-${process.pid}`);
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

const records = [...demoConversations({ conversations, days, seed: 3, end: '2026-11-01' })];
const fake = await FakeGenesys.start({
  clientId: 'bench',
  clientSecret: 'bench-secret',
  conversations: records,
  dataAvailabilityDate: new Date(end - 2 * DAY).toISOString(),
  jobPendingPolls: 1,
});
const env = { CASEFLOW_GENESYS_CLIENT_ID: 'bench', CASEFLOW_GENESYS_CLIENT_SECRET: 'bench-secret' };
const config = parseConfig({
  sources: { genesys: { region: 'mypurecloud.ie', baseUrl: fake.url, jobPollSeconds: 0.05 } },
});
const store = await openStore(path.join(work, 'data'));

let t = process.hrtime.bigint();
const full = await syncGenesys(store, config, {
  env,
  from: new Date(end - (days + 1) * DAY),
  to: new Date(end),
});
const fullSeconds = seconds(t);

t = process.hrtime.bigint();
const incremental = await syncGenesys(store, config, { env, to: new Date(end + DAY) });
const incrementalSeconds = seconds(t);

store.close();
await fake.close();
rmSync(work, { recursive: true, force: true });

console.log(
  JSON.stringify(
    {
      benchmark: 'genesys-sync',
      conversations,
      historical: {
        seconds: Math.round(fullSeconds * 100) / 100,
        conversationsPerSecond: Math.round(full.conversations / fullSeconds),
        pages: full.pages,
        intervals: full.intervals,
        events: full.events,
      },
      incremental: {
        seconds: Math.round(incrementalSeconds * 100) / 100,
        reread: incremental.conversations,
        unchanged: incremental.unchanged,
        pages: incremental.pages,
      },
      requests: fake.requests.length,
      peakRssMb: peakRssMb(),
    },
    null,
    2,
  ),
);
