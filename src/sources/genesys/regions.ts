/**
 * Genesys Cloud regions, by the environment domain the API and the login are served under
 * (https://api.<environment>, https://login.<environment>). The one list of them in Caseflow.
 */
export const GENESYS_REGIONS = {
  'mypurecloud.com': 'Americas (US East)',
  'use2.us-gov-pure.cloud': 'Americas (US East 2, FedRAMP)',
  'usw2.pure.cloud': 'Americas (US West)',
  'cac1.pure.cloud': 'Americas (Canada)',
  'sae1.pure.cloud': 'Americas (São Paulo)',
  'mypurecloud.ie': 'EMEA (Dublin)',
  'euw2.pure.cloud': 'EMEA (London)',
  'mypurecloud.de': 'EMEA (Frankfurt)',
  'euc2.pure.cloud': 'EMEA (Zurich)',
  'mec1.pure.cloud': 'EMEA (UAE)',
  'aps1.pure.cloud': 'Asia Pacific (Mumbai)',
  'apne2.pure.cloud': 'Asia Pacific (Seoul)',
  'apne3.pure.cloud': 'Asia Pacific (Osaka)',
  'mypurecloud.jp': 'Asia Pacific (Tokyo)',
  'mypurecloud.com.au': 'Asia Pacific (Sydney)',
} as const;

export type GenesysRegion = keyof typeof GENESYS_REGIONS;

export const REGION_NAMES = Object.keys(GENESYS_REGIONS) as GenesysRegion[];

/** Where the API and the OAuth login are: the region's hosts, or one base URL serving both (tests, proxies). */
export function regionUrls(region: GenesysRegion, baseUrl?: string): { apiUrl: string; loginUrl: string } {
  if (baseUrl) {
    const base = baseUrl.replace(/\/+$/, '');
    return { apiUrl: base, loginUrl: base };
  }
  return { apiUrl: `https://api.${region}`, loginUrl: `https://login.${region}` };
}
