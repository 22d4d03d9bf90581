/**
 * Benchmark: work automation on the operational store, on PGlite and on PostgreSQL, with 10k open items and
 * 1k agents (skills, capacities, queues from a fixed seed; plus 5 express and 5 pull agents):
 *  - create+route: items/s created through WorkService.createItem (the path of POST /api/v1/work/items,
 *    Idempotency-Key included), or with `--bulk N` createItems (POST /api/v1/work/items/bulk, N items per
 *    request, each with its key), by `--concurrency` concurrent clients while push routing runs (RoutingEngine
 *    following the changes, as in the server: incremental steps), until routing has settled; then one full
 *    pass (the scheduler tick's backstop): offeredIncrementally vs offeredByRouting shows what it added;
 *  - routingPass: the full pass of the scheduler tick at that backlog;
 *  - assignment: from the commit of the change that makes an assignment possible — an agent completes an
 *    item, an agent comes back (away → available), an item arrives in a queue with an agent free — to the
 *    commit of the offer it leads to; `withTheRequest` counts from the start of the request that made it;
 *  - claim: pull, the top item of a workbin (list ordered by priority, limit 1) then claim;
 *  - peak RSS (the process's, cumulative: PGlite runs in this process).
 * PostgreSQL: CASEFLOW_BENCH_DATABASE_URL when set (the bench works in a schema of its own and drops it;
 * the role needs CREATE on the database), else a throwaway cluster started as .ci/postgres.sh does
 * (initdb, 127.0.0.1, fsync off); without PostgreSQL binaries, PGlite only (the JSON says why).
 * Prints JSON. Usage: npm run bench:work [-- --items 10000 --agents 1000 --samples 200 --concurrency 4 --bulk 100
 * --backends pglite,postgres] (--items: the same count on every backend)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  PostgresQueryCompiler,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import pg from 'pg';
import { type OperationalStore, openOperationalStore } from '../src/store/index.ts';
import { createAgent, setPresence } from '../src/work/agents.ts';
import { RoutingEngine } from '../src/work/engine.ts';
import {
  agentInputSchema,
  createQueue,
  createWorkbin,
  createWorkType,
  queueInputSchema,
  systemActor,
  type WorkItemInput,
  WorkService,
  workbinInputSchema,
  workTypeInputSchema,
} from '../src/work/index.ts';
import type { WorkChange } from '../src/work/service.ts';
import { percentile, random } from './stats.ts';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const argText = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const itemCount = arg('items', 10_000);
const agentCount = arg('agents', 1000);
const samples = arg('samples', 200);
const concurrency = arg('concurrency', 4);
/** Items per creation request: 1 = POST /api/v1/work/items each; more = POST /api/v1/work/items/bulk. */
const bulk = Math.max(1, arg('bulk', 1));
const backends = argText('backends', 'pglite,postgres').split(',');
const PUSH_QUEUES = 20;
/** One item in ten goes to the pull workbin. */
const PULL_SHARE = 0.1;
const PULL_AGENTS = 5;
const EXPRESS_AGENTS = 5;
const LANGUAGES = ['fr', 'en', 'nl', 'de'];
const ADMIN = systemActor('bench');
const SAMPLE_TIMEOUT_MS = 5000;

const round = (x: number) => Math.round(x * 100) / 100;
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
function summary(values: number[]): {
  n: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
} {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50Ms: round(percentile(sorted, 0.5)),
    p95Ms: round(percentile(sorted, 0.95)),
    p99Ms: round(percentile(sorted, 0.99)),
    maxMs: round(sorted.at(-1) ?? 0),
  };
}
const progress = (message: string) => process.stderr.write(`${message}\n`);
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const queueId = (q: number) => `bench-q${String(q).padStart(2, '0')}`;

/** Queues, a pull workbin, two work types and the agents (push agents serve 2–4 queues; pull agents none). */
async function seed(work: WorkService): Promise<void> {
  const rnd = random(11);
  const int = (min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));
  const ctx = work.ctx;
  for (let q = 0; q < PUSH_QUEUES; q++)
    await createQueue(ctx, ADMIN, queueInputSchema.parse({ id: queueId(q), name: `Queue ${q}` }));
  await createQueue(
    ctx,
    ADMIN,
    queueInputSchema.parse({ id: 'bench-pull', name: 'Pull', routingMethod: 'pull' }),
  );
  await createWorkbin(
    ctx,
    ADMIN,
    workbinInputSchema.parse({
      id: 'bench-wb',
      name: 'Back office',
      ownerKind: 'queue',
      ownerId: 'bench-pull',
    }),
  );
  const attributeSchema = {
    account: { type: 'string', required: true },
    amount: { type: 'number' },
    channel: { type: 'string', enum: ['mail', 'web', 'phone'] },
  };
  await createWorkType(
    ctx,
    ADMIN,
    workTypeInputSchema.parse({ id: 'bench-push', name: 'Push work', slaSeconds: 86_400, attributeSchema }),
  );
  await createWorkType(
    ctx,
    ADMIN,
    workTypeInputSchema.parse({
      id: 'bench-pull',
      name: 'Pull work',
      defaultQueueId: 'bench-pull',
      defaultWorkbinId: 'bench-wb',
      slaSeconds: 172_800,
      attributeSchema,
    }),
  );
  for (let i = 0; i < agentCount; i++) {
    const queues = new Set<string>();
    const skills: Record<string, number> = {};
    for (let k = int(2, 4); k > 0; k--) {
      const q = int(0, PUSH_QUEUES - 1);
      queues.add(queueId(q));
      skills[`skill-${q}`] = int(1, 5);
    }
    const languages = rnd() < 0.6 ? [LANGUAGES[int(0, 1)]] : [LANGUAGES[int(0, 1)], LANGUAGES[int(2, 3)]];
    await createAgent(
      ctx,
      ADMIN,
      agentInputSchema.parse({
        id: `agent-${String(i).padStart(4, '0')}`,
        name: `Agent ${i}`,
        skills,
        languages,
        capacity: { workitem: int(1, 3) },
        queues: [...queues],
      }),
    );
    const presence =
      rnd() < 0.85 ? 'available' : ((['busy', 'away', 'offline'] as const)[int(0, 2)] ?? 'away');
    if (presence !== 'offline')
      await setPresence(ctx, ADMIN, `agent-${String(i).padStart(4, '0')}`, presence);
  }
  // The express queue has no backlog: an item arriving there finds an agent with room (arrival latency).
  await createQueue(ctx, ADMIN, queueInputSchema.parse({ id: 'bench-express', name: 'Express' }));
  for (let i = 0; i < EXPRESS_AGENTS; i++) {
    await createAgent(
      ctx,
      ADMIN,
      agentInputSchema.parse({
        id: `express-${i}`,
        name: `Express ${i}`,
        skills: { express: 3 },
        capacity: { workitem: 1 },
        queues: ['bench-express'],
      }),
    );
    await setPresence(ctx, ADMIN, `express-${i}`, 'available');
  }
  for (let i = 0; i < PULL_AGENTS; i++)
    await createAgent(
      ctx,
      ADMIN,
      agentInputSchema.parse({ id: `puller-${i}`, name: `Puller ${i}`, capacity: { workitem: 100 } }),
    );
}

/** The creation requests, as a source system would post them (the same for every backend). */
function itemRequests(itemCount: number): { input: WorkItemInput; key: string }[] {
  const rnd = random(23);
  const int = (min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));
  return Array.from({ length: itemCount }, (_, i) => {
    const pull = rnd() < PULL_SHARE;
    const q = int(0, PUSH_QUEUES - 1);
    const input: WorkItemInput = {
      typeId: pull ? 'bench-pull' : 'bench-push',
      title: `Address change ${i}`,
      sourceSystem: 'crm',
      externalReference: `CRM-${i}`,
      priority: int(0, 100),
      attributes: { account: `ACC-${int(1, 99_999)}`, amount: int(1, 5000), channel: 'web' },
      ...(pull
        ? {}
        : {
            queueId: queueId(q),
            requiredSkills: [{ skill: `skill-${q}`, minProficiency: int(1, 3) }],
            ...(rnd() < 0.2 ? { language: LANGUAGES[int(0, 1)] } : {}),
          }),
    };
    return { input, key: `crm-${i}` };
  });
}

/**
 * Times, from the same change stream as the server's, the commit of a change (the first that `startsAt`
 * matches, or `begin()`) and then the offer it led to (`offered`); null times after the timeout.
 */
function watchOffer(
  work: WorkService,
  offered: (change: WorkChange) => boolean,
  startsAt: (change: WorkChange) => boolean = () => false,
): { begin: () => void; result: Promise<{ committed: bigint | null; offered: bigint | null }> } {
  let committed: bigint | null = null;
  const begin = () => {
    committed ??= process.hrtime.bigint();
  };
  const result = new Promise<{ committed: bigint | null; offered: bigint | null }>((resolve) => {
    const timer = setTimeout(() => done(null), SAMPLE_TIMEOUT_MS);
    const stop = work.onChange((change) => {
      if (committed === null) {
        if (startsAt(change)) begin();
      } else if (change.event.action === 'assign' && offered(change)) done(process.hrtime.bigint());
    });
    const done = (at: bigint | null) => {
      clearTimeout(timer);
      stop();
      resolve({ committed, offered: at });
    };
  });
  return { begin, result };
}

/**
 * --trace: total time per SQL text (the first 120 characters), printed to stderr at the end of a backend's
 * run: where the time goes. Timed from compilation to result, so it includes waiting for the connection.
 */
class QueryTimes implements KyselyPlugin {
  readonly totals = new Map<string, { ms: number; n: number }>();
  private readonly compiler = new PostgresQueryCompiler();
  private readonly started = new WeakMap<object, { sql: string; at: bigint }>();
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const sqlText = this.compiler.compileQuery(args.node, args.queryId).sql;
    this.started.set(args.queryId, { sql: sqlText, at: process.hrtime.bigint() });
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const start = this.started.get(args.queryId);
    if (start) {
      const total = this.totals.get(start.sql) ?? { ms: 0, n: 0 };
      total.ms += ms(start.at);
      total.n += 1;
      this.totals.set(start.sql, total);
    }
    return args.result;
  }
  report(label: string): void {
    const top = [...this.totals].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12);
    for (const [text, { ms: total, n }] of top)
      progress(`${label} ${Math.round(total)} ms / ${n}: ${text.slice(0, 160)}`);
  }
}

async function run(store: OperationalStore, label: string, itemCount: number) {
  const times = process.argv.includes('--trace') ? new QueryTimes() : null;
  const db = times ? store.db.withPlugin(times) : store.db;
  const work = new WorkService({ db, defaultDivision: 'default' });
  let t = process.hrtime.bigint();
  await seed(work);
  const seedMs = ms(t);
  const routing = new RoutingEngine(work, {
    offerTimeoutSeconds: 3600,
    log: { error: (m) => console.error(`${label} routing: ${m}`) },
  });
  const unfollow = routing.follow();
  const countAssigned = async () =>
    Number(
      (
        await db
          .selectFrom('work_items')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('status', '=', 'assigned')
          .executeTakeFirstOrThrow()
      ).n,
    );

  // (a) create + route
  const requests = itemRequests(itemCount);
  let next = 0;
  t = process.hrtime.bigint();
  const client = async () => {
    while (next < requests.length) {
      const index = next;
      const batch = requests.slice(index, index + bulk);
      next += batch.length;
      if (bulk === 1) {
        const { input, key } = batch[0] as { input: WorkItemInput; key: string };
        await work.createItem(input, { idempotencyKey: key }, ADMIN);
      } else {
        const results = await work.createItems(
          batch.map(({ input, key }) => ({ ...input, idempotencyKey: key })),
          ADMIN,
        );
        const rejected = results.find((r) => r.outcome === 'rejected');
        if (rejected) throw new Error(`bulk item rejected: ${JSON.stringify(rejected.problems)}`);
      }
      if (Math.floor((index + batch.length) / 1000) > Math.floor(index / 1000))
        progress(`${label}: ${index + batch.length} items created, ${Math.round(ms(t))} ms`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  const createdMs = ms(t);
  // Incremental routing done; then the scheduler tick's full pass (the backstop), as the server runs it.
  await routing.settled();
  const settledMs = ms(t);
  const assignedIncrementally = await countAssigned();
  await routing.route();
  const assignedAfterCreate = await countAssigned();
  // One full pass with nothing new to give: what the scheduler tick's pass costs at this size (reads and
  // ranks all waiting items).
  const passes: number[] = [];
  for (let i = 0; i < 10; i++) {
    const p0 = process.hrtime.bigint();
    await routing.route();
    passes.push(ms(p0));
  }
  progress(
    `${label}: created and routed in ${Math.round(settledMs)} ms; a pass takes ${summary(passes).p50Ms} ms`,
  );
  // A retried creation (same key, same request) gives the item back instead of a second one.
  const replay = await work.createItem(
    (requests[0] as { input: WorkItemInput }).input,
    { idempotencyKey: 'crm-0' },
    ADMIN,
  );
  if (replay.created) throw new Error('a replayed Idempotency-Key created a second item');

  // (b) assignment latency, from the commit of the change that makes an assignment possible to the commit of
  // the offer it leads to (what the agent's stream then shows): an agent completes an item (capacity
  // freed), an agent comes back (away → available), an item arrives in a queue with an agent free (the
  // express queue). `request` adds the request that made the change (the complete, the presence, the create).
  const rnd = random(31);
  const byKind = {
    afterComplete: [] as number[],
    afterBecomingAvailable: [] as number[],
    afterArrival: [] as number[],
  };
  const withRequest: number[] = [];
  let misses = 0;
  const record = (
    kind: keyof typeof byKind,
    from: bigint,
    at: { committed: bigint | null; offered: bigint | null },
  ) => {
    if (at.committed === null || at.offered === null) {
      misses += 1;
      return;
    }
    byKind[kind].push(Number(at.offered - at.committed) / 1e6);
    withRequest.push(Number(at.offered - from) / 1e6);
  };
  for (let s = 0; s < samples; s++) {
    await routing.route();
    const kind =
      (['afterComplete', 'afterBecomingAvailable', 'afterArrival'] as const)[s % 3] ?? 'afterArrival';
    if (kind === 'afterArrival') {
      const watch = watchOffer(
        work,
        ({ item }) => item.queueId === 'bench-express',
        ({ item, event }) => event.action === 'queue' && item.queueId === 'bench-express',
      );
      const from = process.hrtime.bigint();
      const { item } = await work.createItem(
        {
          typeId: 'bench-push',
          title: `Express ${s}`,
          queueId: 'bench-express',
          attributes: { account: 'ACC-1' },
          requiredSkills: [{ skill: 'express', minProficiency: 2 }],
        },
        {},
        ADMIN,
      );
      record(kind, from, await watch.result);
      await routing.settled();
      // Done with, so that the express agents have room again (cancelled when no offer came).
      const now = await work.getItem(item.id, ADMIN);
      if (now.status === 'assigned') {
        const started = await work.transition(item.id, { action: 'start' }, ADMIN);
        await work.transition(item.id, { action: 'complete', expectedVersion: started.item.version }, ADMIN);
      } else await work.transition(item.id, { action: 'cancel' }, ADMIN);
      await routing.settled();
      continue;
    }
    const holders = await db
      .selectFrom('work_items')
      .select(['id', 'assignee_id'])
      .where('status', '=', 'assigned')
      .where('assignee_id', 'like', 'agent-%')
      .orderBy('id')
      .execute();
    const held = holders[Math.floor(rnd() * holders.length)];
    if (!held?.assignee_id) break;
    const agentId = held.assignee_id;
    const started = await work.transition(held.id, { action: 'start' }, ADMIN);
    const toAgent = ({ item }: WorkChange) => item.assigneeId === agentId;
    if (kind === 'afterComplete') {
      const watch = watchOffer(
        work,
        toAgent,
        ({ item, event }) => item.id === held.id && event.action === 'complete',
      );
      const from = process.hrtime.bigint();
      await work.transition(held.id, { action: 'complete', expectedVersion: started.item.version }, ADMIN);
      record(kind, from, await watch.result);
    } else {
      await setPresence(work.ctx, ADMIN, agentId, 'away');
      routing.agentChanged(agentId);
      await work.transition(held.id, { action: 'complete', expectedVersion: started.item.version }, ADMIN);
      await routing.settled();
      const watch = watchOffer(work, toAgent);
      const from = process.hrtime.bigint();
      // As the presence route does: the write, then the engine told.
      await setPresence(work.ctx, ADMIN, agentId, 'available');
      watch.begin();
      routing.agentChanged(agentId);
      record(kind, from, await watch.result);
    }
  }
  await routing.route();
  const offered = Object.values(byKind).flat();

  // (c) claim: the top of the workbin (priority, then due date), claimed by a puller.
  const top: number[] = [];
  const claim: number[] = [];
  const total: number[] = [];
  for (let s = 0; s < samples; s++) {
    const t0 = process.hrtime.bigint();
    const { items } = await work.listItems(
      { workbinId: 'bench-wb', status: ['queued'], order: 'priority', limit: 1, offset: 0 },
      ADMIN,
    );
    const first = items[0];
    if (!first) break;
    const t1 = process.hrtime.bigint();
    await work.transition(
      first.id,
      { action: 'claim', agentId: `puller-${s % PULL_AGENTS}`, expectedVersion: first.version },
      ADMIN,
    );
    const t2 = process.hrtime.bigint();
    top.push(Number(t1 - t0) / 1e6);
    claim.push(Number(t2 - t1) / 1e6);
    total.push(Number(t2 - t0) / 1e6);
  }
  unfollow();
  await routing.route();
  times?.report(label);
  const open = await db
    .selectFrom('work_items')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', 'not in', ['completed', 'cancelled'])
    .executeTakeFirstOrThrow();

  return {
    seedSeconds: round(seedMs / 1000),
    createAndRoute: {
      items: itemCount,
      concurrency,
      bulk,
      createSeconds: round(createdMs / 1000),
      settledSeconds: round(settledMs / 1000),
      itemsPerSecond: Math.round(itemCount / (settledMs / 1000)),
      offeredIncrementally: assignedIncrementally,
      offeredByRouting: assignedAfterCreate,
    },
    routingPass: summary(passes),
    assignment: {
      ...summary(offered),
      afterComplete: summary(byKind.afterComplete),
      afterBecomingAvailable: summary(byKind.afterBecomingAvailable),
      afterArrival: summary(byKind.afterArrival),
      withTheRequest: summary(withRequest),
      noOfferWithin5s: misses,
    },
    claim: { ...summary(total), topOfWorkbin: summary(top), claimOnly: summary(claim) },
    openItemsAtEnd: Number(open.n),
    peakRssMb: peakRssMb(),
  };
}

/** The newest PostgreSQL bin directory with initdb and pg_ctl (PATH first), as .ci/postgres.sh looks. */
function postgresBin(): string | null {
  const onPath = spawnSync('sh', ['-c', 'command -v pg_ctl'], { encoding: 'utf8' }).stdout.trim();
  if (onPath && existsSync(path.join(path.dirname(onPath), 'initdb'))) return path.dirname(onPath);
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = path.join(root, v, 'bin');
    if (existsSync(path.join(bin, 'initdb')) && existsSync(path.join(bin, 'pg_ctl'))) return bin;
  }
  return null;
}

const portIsFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer()
      .once('error', () => resolve(false))
      .listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/** A throwaway cluster on 127.0.0.1 (trust on loopback, fsync off: it holds bench data and dies with it). */
async function startPostgres(bin: string): Promise<{ url: string; version: string; stop: () => void }> {
  const cluster = mkdtempSync(path.join(tmpdir(), 'caseflow-bench-pg-'));
  const root = process.getuid?.() === 0;
  const asPg = (cmd: string, args: string[]) => {
    const result = root
      ? spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8' })
      : spawnSync(cmd, args, { encoding: 'utf8' });
    if (result.status !== 0)
      throw new Error(`${path.basename(cmd)} failed: ${result.stderr || result.stdout || result.error}`);
    return result.stdout;
  };
  if (root) spawnSync('chown', ['postgres', cluster]);
  let port = 54329;
  while (!(await portIsFree(port))) port += 1;
  const data = path.join(cluster, 'data');
  asPg(path.join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  asPg(path.join(bin, 'pg_ctl'), [
    '-D',
    data,
    '-l',
    path.join(cluster, 'server.log'),
    '-w',
    '-t',
    '60',
    '-o',
    `-c listen_addresses=127.0.0.1 -p ${port} -k ${cluster} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
    'start',
  ]);
  const stop = () => {
    try {
      asPg(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(cluster, { recursive: true, force: true });
    }
  };
  const version = spawnSync(path.join(bin, 'postgres'), ['--version'], { encoding: 'utf8' }).stdout.trim();
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, version, stop };
}

async function admin(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

const results: Record<string, unknown> = {};
if (backends.includes('pglite')) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'caseflow-bench-work-'));
  const store = await openOperationalStore({ dataDir });
  try {
    results.pglite = await run(store, 'pglite', itemCount);
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
if (backends.includes('postgres')) {
  const given = process.env.CASEFLOW_BENCH_DATABASE_URL || '';
  const bin = given ? null : postgresBin();
  if (!given && !bin) {
    results.postgres = {
      skipped: 'no PostgreSQL binaries (initdb, pg_ctl) found and CASEFLOW_BENCH_DATABASE_URL is not set',
    };
  } else {
    const server = bin ? await startPostgres(bin) : null;
    const serverUrl = given || (server?.url ?? '');
    const schema = `caseflow_bench_${process.pid}`;
    try {
      await admin(serverUrl, `create schema ${schema}`);
      const url = new URL(serverUrl);
      url.searchParams.set('options', `-c search_path=${schema}`);
      const store = await openOperationalStore({
        dataDir: path.join(tmpdir(), 'caseflow-bench-unused'),
        databaseUrl: url.toString(),
      });
      try {
        results.postgres = {
          server: server ? `${server.version}, throwaway cluster (fsync off)` : 'CASEFLOW_BENCH_DATABASE_URL',
          ...(await run(store, 'postgres', itemCount)),
        };
      } finally {
        await store.close();
        await admin(serverUrl, `drop schema if exists ${schema} cascade`).catch(() => {});
      }
    } finally {
      server?.stop();
    }
  }
}

console.log(
  JSON.stringify(
    {
      benchmark: 'work',
      items: itemCount,
      agents: agentCount,
      pushQueues: PUSH_QUEUES,
      samples,
      ...results,
      peakRssMb: peakRssMb(),
    },
    null,
    2,
  ),
);
