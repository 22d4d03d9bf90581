import { buildDirectory, REQUEST_TYPES, UNRESOLVED_WRAPUP_CODES } from './directory.ts';

/** The demo's default seed (DEMO_DEFAULTS.seed): the directory, hence the team members, depend on it. */
const DEFAULT_SEED = 42;

/**
 * `support.teams` of the demo: each team of the demo directory with its agents and supervisor, by name
 * (names are unique in the demo directory; the reports match a member on an agent's id or name), so that
 * the reports by team work on the demo data.
 */
export function demoTeams(seed: number = DEFAULT_SEED): Record<string, string[]> {
  const directory = buildDirectory(seed);
  const teams: Record<string, string[]> = {};
  for (const team of directory.teams) teams[team.name] = [];
  for (const agent of [...directory.agents, ...directory.supervisors])
    teams[agent.team.name]?.push(agent.name);
  return teams;
}

/**
 * The configuration that goes with the demo data set: its "unresolved" wrap-up codes, SLA targets per
 * request type, the Paris time zone, the teams of its directory. Written to <data-dir>/caseflow.config.json
 * when the demo is loaded and no other configuration file is in use. `seed`: the demo's (the teams'
 * members depend on it).
 */
export function demoConfig(seed: number = DEFAULT_SEED) {
  return {
    sourceSystem: 'GenesysCloudCX_EU1',
    organization: { timeZone: 'Europe/Paris' },
    eventlog: {
      unresolvedWrapUpCodes: [...UNRESOLVED_WRAPUP_CODES],
      slaTargets: Object.fromEntries(
        REQUEST_TYPES.map((type) => [
          type,
          type === 'Technical support' || type === 'Product complaint' ? 86_400 : 14_400,
        ]),
      ),
      defaultSlaTarget: 86_400,
    },
    support: { teams: demoTeams(seed) },
    // The demo writes no divisions directory file: name its two divisions here.
    divisions: {
      names: Object.fromEntries(Object.values(buildDirectory(seed).divisions).map((d) => [d.id, d.name])),
    },
  };
}

/** The demo configuration for the default seed (what `npm start` and `caseflow demo` load). */
export const DEMO_CONFIG = demoConfig();
