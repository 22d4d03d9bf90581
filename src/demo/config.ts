import { REQUEST_TYPES, UNRESOLVED_WRAPUP_CODES } from './directory.ts';

/**
 * The configuration that goes with the demo data set: its "unresolved" wrap-up codes, SLA targets per
 * request type, the Paris time zone. Written to <data-dir>/caseflow.config.json when the demo is loaded
 * and no other configuration file is in use.
 */
export const DEMO_CONFIG = {
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
};
