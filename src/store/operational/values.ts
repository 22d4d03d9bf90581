/**
 * How column values come back, the same on PGlite and on a PostgreSQL server: both clients get the text
 * form of a value and hand it to these parsers (PGlite's `parsers` option, `pg`'s `types` option).
 *
 * - int8 (bigserial ids, count(*)) → number; a value beyond 2^53 is an error, never a silent rounding.
 * - timestamptz / timestamp → ISO-8601 UTC string with milliseconds (`2024-05-01T08:30:00.000Z`);
 *   a `timestamp` without zone is taken as UTC. `infinity` and BC dates are left as Postgres wrote them.
 * - date → `YYYY-MM-DD` as written (never a Date at some time zone's midnight).
 * Everything else keeps the client's default (json/jsonb parsed, numeric as string, int4 as number…).
 */

export const OID = { INT8: 20, DATE: 1082, TIMESTAMP: 1114, TIMESTAMPTZ: 1184 } as const;

export type ValueParser = (text: string) => unknown;

export function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`int8 value ${text} is beyond JavaScript's safe integer range`);
  }
  return value;
}

const TIMESTAMP =
  /^(\d{4,})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:([+-])(\d\d)(?::?(\d\d))?(?::?(\d\d))?)?$/;

export function parseTimestamp(text: string): string {
  const utc = utcTimestamp(text);
  if (utc !== null) return utc;
  const m = TIMESTAMP.exec(text);
  if (!m) return text;
  const [, year, month, day, hour, minute, second, fraction, sign, offH, offM, offS] = m;
  const date = new Date(0);
  date.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  date.setUTCHours(
    Number(hour),
    Number(minute),
    Number(second),
    Number((fraction ?? '').padEnd(3, '0').slice(0, 3)),
  );
  const offsetSeconds = sign
    ? (sign === '-' ? -1 : 1) * (Number(offH) * 3600 + Number(offM ?? 0) * 60 + Number(offS ?? 0))
    : 0;
  return new Date(date.getTime() - offsetSeconds * 1000).toISOString();
}

/**
 * The form a session in UTC writes (`2024-05-01 08:30:00.123+00`, fraction optional), rewritten without a
 * Date: most values the stores read are in it, and routing reads thousands at a time. Null for any other.
 */
function utcTimestamp(text: string): string | null {
  const n = text.length;
  if (n < 22 || !text.endsWith('+00') || text[4] !== '-' || text[7] !== '-' || text[10] !== ' ') return null;
  if (text[13] !== ':' || text[16] !== ':') return null;
  let ms = '000';
  if (n > 22) {
    if (text[19] !== '.' || n > 29) return null;
    ms = text
      .slice(20, n - 3)
      .padEnd(3, '0')
      .slice(0, 3);
  }
  const iso = `${text.slice(0, 10)}T${text.slice(11, 19)}.${ms}Z`;
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(iso) ? iso : null;
}

const parseDate = (text: string): string => text;

/** The parsers both backends install, by type OID. */
export const VALUE_PARSERS: Readonly<Record<number, ValueParser>> = {
  [OID.INT8]: parseInt8,
  [OID.DATE]: parseDate,
  [OID.TIMESTAMP]: parseTimestamp,
  [OID.TIMESTAMPTZ]: parseTimestamp,
};

/** An instant given to the store (ISO-8601 string with a zone, or a Date) as ISO-8601 UTC. */
export function toIsoInstant(value: string | Date, what = 'timestamp'): string {
  const time = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(time) || (typeof value === 'string' && !/(Z|[+-]\d\d:?\d\d)$/i.test(value.trim()))) {
    throw new RangeError(
      `${what} must be an ISO-8601 instant with a zone (e.g. 2024-05-01T08:30:00Z), got ${String(value)}`,
    );
  }
  return new Date(time).toISOString();
}
