import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import {
  type BusinessHours,
  DEFAULT_BUSINESS_DAYS,
  dayHoursProblem,
  isTimeZone,
  WEEKDAYS,
} from '../reports/definitions.ts';
import { REGION_NAMES } from '../sources/genesys/regions.ts';

/** A designed (to-be) process for conformance checking: allowed start/end activities and directly-follows pairs. */
const designedFlowSchema = z.strictObject({
  /** Activities a case may start with (empty: any). */
  start: z.array(z.string().min(1)),
  /** Activities a case may end with (empty: any). */
  end: z.array(z.string().min(1)),
  /** Allowed directly-follows pairs [X, Y]; every other pair is a deviation (a self-loop must be listed). */
  follows: z.array(z.tuple([z.string().min(1), z.string().min(1)])),
  /** Activities every case must contain. */
  required: z.array(z.string().min(1)).default([]),
});

/** The Genesys happy path: routed, offered, accepted (holds allowed), after-call work, wrap-up, survey. */
const GENESYS_DESIGNED_FLOW = {
  start: ['Interaction Started'],
  end: ['Wrap-Up Code Assigned', 'Customer Satisfaction Survey Sent'],
  follows: [
    ['Interaction Started', 'Conversation Routed to Queue'],
    ['Conversation Routed to Queue', 'Interaction Offered to Agent'],
    ['Interaction Offered to Agent', 'Agent Accepted Interaction'],
    ['Agent Accepted Interaction', 'Interaction Put on Hold'],
    ['Interaction Put on Hold', 'Hold Removed from Interaction'],
    ['Hold Removed from Interaction', 'Interaction Put on Hold'],
    ['Agent Accepted Interaction', 'After-Call Work Started'],
    ['Hold Removed from Interaction', 'After-Call Work Started'],
    ['After-Call Work Started', 'Interaction Disconnected'],
    ['After-Call Work Started', 'After-Call Work Completed'],
    ['Interaction Disconnected', 'After-Call Work Completed'],
    ['After-Call Work Completed', 'Wrap-Up Code Assigned'],
    ['Wrap-Up Code Assigned', 'Customer Satisfaction Survey Sent'],
  ] as [string, string][],
  required: ['Agent Accepted Interaction', 'Wrap-Up Code Assigned'],
};

/**
 * The Genesys Cloud API connector (`caseflow sync genesys`, scheduled sync in the server). The OAuth
 * client id and secret are never configured here: they come from the environment variables
 * CASEFLOW_GENESYS_CLIENT_ID and CASEFLOW_GENESYS_CLIENT_SECRET.
 */
const genesysSourceSchema = z.strictObject({
  region: z.enum(REGION_NAMES, {
    error: () => `not a Genesys Cloud region; one of ${REGION_NAMES.join(', ')}`,
  }),
  /** Serves both the API and the OAuth login instead of the region's hosts (a proxy, the tests' fake API). */
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** SourceSystem of the synced rows (default: the top-level sourceSystem). */
  sourceSystem: z.string().min(1).optional(),
  /** First sync without --from: this many days back from now. */
  firstSyncDays: z.number().positive().default(30),
  /** Each run re-reads this many hours before the watermark, so conversations still active then are updated. */
  lookBackHours: z.number().nonnegative().default(24),
  /** Details query intervals are at most this long (the API takes at most 31 days). */
  queryIntervalHours: z.number().positive().max(744).default(24),
  /** Details job intervals are at most this long (at most 31 days). */
  jobIntervalDays: z.number().positive().max(31).default(7),
  queryPageSize: z.number().int().min(1).max(100).default(100),
  jobPageSize: z.number().int().min(1).max(1000).default(1000),
  directoryPageSize: z.number().int().min(1).max(500).default(500),
  /** How often a details job's state is polled, and how long it may take before the run fails. */
  jobPollSeconds: z.number().positive().default(5),
  jobTimeoutMinutes: z.number().positive().default(60),
  requestTimeoutSeconds: z.number().positive().default(60),
  /** Attempts per request (429, 5xx, network errors and timeouts are retried with exponential backoff and jitter). */
  retry: z
    .strictObject({
      maxAttempts: z.number().int().min(1).max(20).default(6),
      baseDelayMs: z.number().nonnegative().default(1000),
      maxDelayMs: z.number().nonnegative().default(60_000),
    })
    .prefault({}),
  /** Scheduled sync in the server every N minutes; absent: off. */
  scheduleEveryMinutes: z.number().positive().optional(),
  /**
   * Read the messages of the messaging conversations a run adds or updates
   * (GET /api/v2/conversations/messages/{id}) into the support messages.
   */
  messages: z.boolean().default(true),
});

const timeZoneSchema = z.string().refine((tz) => isTimeZone(tz), 'not an IANA time zone (e.g. Europe/Paris)');

/** One day's opening hours: [["09:00","12:30"],["13:30","18:00"]]; an empty list (or no entry): closed. */
const dayHoursSchema = z.array(z.tuple([z.string(), z.string()])).superRefine((hours, ctx) => {
  const problem = dayHoursProblem(hours);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * Support data (README "Support data"): agents' teams for the reports, and the opening hours of the
 * business-hours option of response and resolution times.
 */
const supportSchema = z.strictObject({
  /** Team name → members (agent ids or names). Wins over a team the source gives. */
  teams: z.record(z.string().min(1), z.array(z.string().min(1))).default({}),
  businessHours: z
    .strictObject({
      /** Default: organization.timeZone. */
      timeZone: timeZoneSchema.optional(),
      /** Opening hours by weekday (mon … sun); a day not listed is closed. Default: mon–fri 09:00–18:00. */
      days: z
        .strictObject(
          Object.fromEntries(WEEKDAYS.map((d) => [d, dayHoursSchema.optional()])) as {
            [K in (typeof WEEKDAYS)[number]]: z.ZodOptional<typeof dayHoursSchema>;
          },
        )
        .default(DEFAULT_BUSINESS_DAYS as Record<string, [string, string][]>),
      /** Closed days, YYYY-MM-DD in the business-hours time zone. */
      holidays: z.array(z.iso.date()).default([]),
    })
    .prefault({}),
});

/**
 * Workflows (README "Workflows"): the Google service account of "append a spreadsheet row" steps, the
 * Sheets API address (tests point it at a fake), the retry policy of deliveries and the trigger scan's
 * period. Secrets of steps are never configured: steps name the environment variables holding them.
 */
const workflowsSchema = z.strictObject({
  /** Service-account JSON key file (client_email, private_key, token_uri). */
  googleServiceAccountFile: z.string().min(1).optional(),
  /** Replaces the key file's token_uri (a proxy, tests). */
  googleTokenUri: z.url({ protocol: /^https?$/ }).optional(),
  /** Default https://sheets.googleapis.com. */
  sheetsBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Attempts per run: exponential backoff with jitter between them, then the run is dead (re-run by hand). */
  retry: z
    .strictObject({
      maxAttempts: z.number().int().min(1).max(50).default(8),
      baseDelayMs: z.number().nonnegative().default(30_000),
      maxDelayMs: z.number().nonnegative().default(3_600_000),
    })
    .prefault({}),
  /** The server looks for newly closed conversations this often (and after each sync). */
  scanIntervalSeconds: z.number().positive().default(30),
});

/**
 * Work automation (README "Work automation"). callbacks: the calls back to source systems (work types name
 * the URL and the environment variable of the HMAC secret): per-request timeout, attempts with exponential
 * backoff and jitter before a message is dead (replayed by hand), and how often the outbox is looked at.
 */
const workSchema = z.strictObject({
  /** Push routing: seconds an agent has to accept an offered item before it goes to the next agent. */
  offerTimeoutSeconds: z.number().int().positive().default(30),
  /** Re-prioritization of every open item (queues and workbins) from the nearness of its due date. */
  reprioritizeSeconds: z.number().positive().default(60),
  /** Offer expiry, no-agent rules, SLA escalation and a routing pass run this often. */
  schedulerSeconds: z.number().positive().default(1),
  callbacks: z
    .strictObject({
      timeoutMs: z.number().int().positive().default(10_000),
      retry: z
        .strictObject({
          maxAttempts: z.number().int().min(1).max(50).default(8),
          baseDelayMs: z.number().nonnegative().default(30_000),
          maxDelayMs: z.number().nonnegative().default(3_600_000),
        })
        .prefault({}),
      pollIntervalSeconds: z.number().positive().default(5),
    })
    .prefault({}),
});

/**
 * Divisions (README "Access control"): every conversation, case and dataset belongs to one or more
 * divisions. Genesys conversations take their record's divisionIds; other rows take the first matching
 * mapping below, else `default`. Values are division ids (Genesys division ids where you have them).
 */
const divisionsSchema = z.strictObject({
  /** The division of rows nothing else assigns (Genesys names its default division "Home"). */
  default: z.string().min(1).default('home'),
  /** By SourceSystem of the row (e.g. "csv:respond"). */
  bySourceSystem: z.record(z.string().min(1), z.string().min(1)).default({}),
  /** By queue name (conversations without Genesys divisionIds). */
  byQueue: z.record(z.string().min(1), z.string().min(1)).default({}),
  /** By imported dataset name (generic event logs for process mining). */
  byDataset: z.record(z.string().min(1), z.string().min(1)).default({}),
  /** Display names of division ids that the Genesys directory does not name. */
  names: z.record(z.string().min(1), z.string().min(1)).default({}),
});

/**
 * Access control (src/access). Off: the documented dev mode — every request acts as a local
 * administrator, no login (refused when NODE_ENV=production). On: sessions for the dashboard, API tokens
 * for the REST API, roles and divisions. Environment override: CASEFLOW_AUTH=on|off.
 */
const accessSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** A dashboard session ends after this many hours without a request. */
  sessionHours: z
    .number()
    .positive()
    .max(24 * 90)
    .default(12),
  /**
   * Mark the session cookie Secure (HTTPS only). Default: on with NODE_ENV=production; set false for a
   * production server reached over plain HTTP.
   */
  secureCookies: z.boolean().optional(),
  /** Failed logins of one user name allowed per window before logins are refused for the rest of it. */
  maxFailedLogins: z.number().int().min(1).default(5),
  failedLoginWindowMinutes: z.number().positive().default(15),
});

/**
 * Privacy (GDPR). pseudonymize: customer identifiers (external contact ids, phone numbers, e-mail and
 * messaging addresses) are replaced on import by a keyed hash (HMAC-SHA-256 with the key in
 * CASEFLOW_PSEUDONYMIZE_KEY), so the same customer still gets the same identifier.
 */
const privacySchema = z.strictObject({
  pseudonymize: z.boolean().default(false),
});

/** Customer identity across channels (src/journey). */
const journeySchema = z.strictObject({
  /**
   * Which identifiers seen together on one interaction join two identities into one customer. The
   * external contact id always identifies; the others link only when listed here.
   */
  mergeOn: z.array(z.enum(['phone', 'email', 'messaging'])).default(['phone', 'email', 'messaging']),
});

/** caseflow.config.json — every key optional, unknown keys refused so that typos are caught at start. */
export const configSchema = z.strictObject({
  sourceSystem: z.string().min(1).default('GenesysCloudCX'),
  organization: z
    .strictObject({
      timeZone: z
        .string()
        .refine((tz) => isTimeZone(tz), 'not an IANA time zone (e.g. Europe/Paris)')
        .default('UTC'),
    })
    .prefault({}),
  eventlog: z
    .strictObject({
      serviceRequestIdAttribute: z.string().min(1).default('serviceRequestId'),
      serviceRequestTypeAttribute: z.string().min(1).default('serviceRequestType'),
      reopenWindowDays: z.number().positive().default(7),
      resolvingWrapUpCodes: z.array(z.string()).optional(),
      unresolvedWrapUpCodes: z.array(z.string()).default([]),
      requestTypeByWrapUpCode: z.record(z.string(), z.string()).default({}),
      requestTypeByQueue: z.record(z.string(), z.string()).default({}),
      slaTargets: z.record(z.string(), z.number().positive()).default({}),
      defaultSlaTarget: z.number().positive().default(86_400),
    })
    .prefault({}),
  server: z
    .strictObject({
      port: z.number().int().min(0).max(65_535).default(4100),
      host: z.string().default('127.0.0.1'),
    })
    .prefault({}),
  mining: z
    .strictObject({
      /** The designed flow conformance checks cases against (default: the Genesys happy path). */
      designedFlow: designedFlowSchema.default(GENESYS_DESIGNED_FLOW),
      /** Designed flows by ServiceRequestType, replacing designedFlow for cases of that type. */
      designedFlowByType: z.record(z.string(), designedFlowSchema).default({}),
      /** Designed flows of imported datasets (they have no request types; the Genesys flow does not fit them). */
      designedFlowByDataset: z.record(z.string(), designedFlowSchema).default({}),
    })
    .prefault({}),
  sources: z
    .strictObject({
      genesys: genesysSourceSchema.optional(),
    })
    .prefault({}),
  support: supportSchema.prefault({}),
  workflows: workflowsSchema.prefault({}),
  work: workSchema.prefault({}),
  divisions: divisionsSchema.prefault({}),
  access: accessSchema.prefault({}),
  privacy: privacySchema.prefault({}),
  journey: journeySchema.prefault({}),
});

export type CaseflowConfig = z.infer<typeof configSchema>;
export type EventLogConfig = CaseflowConfig['eventlog'];
export type MiningConfig = CaseflowConfig['mining'];
export type DesignedFlow = MiningConfig['designedFlow'];
export type GenesysSourceConfig = z.infer<typeof genesysSourceSchema>;
export type SupportConfig = CaseflowConfig['support'];
export type DivisionsConfig = CaseflowConfig['divisions'];
export type AccessConfig = CaseflowConfig['access'];

/** The opening hours of the configuration, its time zone defaulting to organization.timeZone. */
export function businessHoursOf(config: CaseflowConfig): BusinessHours {
  const b = config.support.businessHours;
  return { timeZone: b.timeZone ?? config.organization.timeZone, days: b.days, holidays: b.holidays };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Validates a config object; the error lists every bad key with its path. */
export function parseConfig(input: unknown, source = 'configuration'): CaseflowConfig {
  const result = configSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const where = issue.path.join('.');
    if (issue.code === 'unrecognized_keys') {
      const prefix = where ? `${where}.` : '';
      return `unknown key ${issue.keys.map((k) => `"${prefix}${k}"`).join(', ')}`;
    }
    return `${where || '(root)'}: ${issue.message}`;
  });
  return raise(`${source} is invalid:\n  - ${lines.join('\n  - ')}`);
}

function raise(message: string): never {
  throw new ConfigError(message);
}

/**
 * Which configuration file is in use: --config, else CASEFLOW_CONFIG, else ./caseflow.config.json, else
 * <data-dir>/caseflow.config.json (where the demo writes its own); undefined when there is none.
 */
export function configFile(
  file?: string,
  env: NodeJS.ProcessEnv = process.env,
  dataDir?: string,
): string | undefined {
  const explicit = file ?? env.CASEFLOW_CONFIG;
  if (explicit) {
    if (!existsSync(explicit)) raise(`configuration file not found: ${explicit}`);
    return path.resolve(explicit);
  }
  const candidates = [path.resolve('caseflow.config.json')];
  if (dataDir) candidates.push(path.join(dataDir, 'caseflow.config.json'));
  return candidates.find((c) => existsSync(c));
}

/**
 * Loads the configuration file in use (see configFile), then applies environment overrides:
 * PORT, HOST, CASEFLOW_SOURCE_SYSTEM, CASEFLOW_TIME_ZONE, CASEFLOW_AUTH (on|off).
 */
export function loadConfig(
  file?: string,
  env: NodeJS.ProcessEnv = process.env,
  dataDir?: string,
): CaseflowConfig {
  const candidate = configFile(file, env, dataDir);
  let raw: Record<string, unknown> = {};
  if (candidate) {
    try {
      raw = JSON.parse(readFileSync(candidate, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      raise(`${candidate} is not valid JSON: ${(error as Error).message}`);
    }
  }
  const config = parseConfig(raw, candidate ?? 'configuration');
  if (env.PORT) config.server.port = parsePort(env.PORT);
  if (env.HOST) config.server.host = env.HOST;
  if (env.CASEFLOW_SOURCE_SYSTEM) config.sourceSystem = env.CASEFLOW_SOURCE_SYSTEM;
  if (env.CASEFLOW_TIME_ZONE) {
    if (!isTimeZone(env.CASEFLOW_TIME_ZONE)) raise(`CASEFLOW_TIME_ZONE: not an IANA time zone`);
    config.organization.timeZone = env.CASEFLOW_TIME_ZONE;
  }
  if (env.CASEFLOW_AUTH) {
    if (!/^(on|off)$/.test(env.CASEFLOW_AUTH))
      raise(`CASEFLOW_AUTH: "${env.CASEFLOW_AUTH}" is not on or off`);
    config.access.enabled = env.CASEFLOW_AUTH === 'on';
  }
  return config;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) raise(`PORT: "${value}" is not a port number`);
  return port;
}

export function defaultConfig(): CaseflowConfig {
  return parseConfig({});
}

/** Data directory: --data-dir, else CASEFLOW_DATA_DIR, else ./.caseflow. */
export function resolveDataDir(option?: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(option ?? env.CASEFLOW_DATA_DIR ?? '.caseflow');
}

/** The settings stored data is derived with; when they change, `caseflow rebuild` re-derives it. */
export function derivationFingerprint(config: CaseflowConfig): string {
  return JSON.stringify(config.eventlog);
}
