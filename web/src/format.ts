import type { Lang } from './i18n.ts';

const UNITS: Record<Lang, { d: string; h: string; m: string; s: string; sep: string }> = {
  en: { d: 'd', h: 'h', m: 'm', s: 's', sep: '' },
  fr: { d: 'j', h: 'h', m: 'min', s: 's', sep: '\u202f' },
};

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A duration in seconds, human-readable with two units at most: 42s, 4m 12s, 3h 05m, 2d 4h
 * (French: 4 min 12 s, 3 h 05 min, 2 j 4 h). Null → "—".
 */
export function formatDuration(seconds: number | null | undefined, lang: Lang = 'en'): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const u = UNITS[lang];
  const unit = (n: number | string, name: string) => `${n}${u.sep}${name}`;
  const sign = seconds < 0 ? '−' : '';
  const abs = Math.abs(seconds);
  if (abs === 0) return unit(0, u.s);
  if (abs < 1) return `${sign}<${unit(1, u.s)}`;
  const total = Math.round(abs);
  if (total < 60) return sign + unit(total, u.s);
  if (total < 3600) {
    const m = Math.floor(total / 60);
    return `${sign}${unit(m, u.m)} ${unit(pad(total % 60), u.s)}`;
  }
  if (total < 86400) {
    const h = Math.floor(total / 3600);
    return `${sign}${unit(h, u.h)} ${unit(pad(Math.floor((total % 3600) / 60)), u.m)}`;
  }
  const d = Math.floor(total / 86400);
  return `${sign}${unit(d, u.d)} ${unit(Math.floor((total % 86400) / 3600), u.h)}`;
}

/**
 * Parses what a user types as a duration: "90" (seconds), "45s", "30m", "4h", "2d"/"2j", "1h 30m".
 * Returns seconds, or null when it is not a duration.
 */
export function parseDuration(text: string): number | null {
  const s = text.trim().toLowerCase().replace(',', '.');
  if (!s) return null;
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const re = /(\d+(?:\.\d+)?)\s*(d|j|h|min|m|s)/g;
  let total = 0;
  let consumed = '';
  for (const match of s.matchAll(re)) {
    const factor = { d: 86400, j: 86400, h: 3600, min: 60, m: 60, s: 1 }[match[2] as 'd'];
    total += Number(match[1]) * factor;
    consumed += match[0];
  }
  return consumed.replace(/\s/g, '') === s.replace(/\s/g, '') ? Math.round(total) : null;
}

/** Compact form of a duration for an input field: 4h, 1h 30m, 90s. */
export function durationInput(seconds: number): string {
  if (seconds % 86400 === 0 && seconds > 0) return `${seconds / 86400}d`;
  if (seconds % 3600 === 0 && seconds > 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0 && seconds > 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

const locales: Record<Lang, string> = { en: 'en-GB', fr: 'fr-FR' };

export function formatNumber(value: number | null | undefined, lang: Lang, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return new Intl.NumberFormat(locales[lang], {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  }).format(value);
}

/** A percentage given as 0–100. */
export function formatPct(value: number | null | undefined, lang: Lang, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return new Intl.NumberFormat(locales[lang], {
    style: 'percent',
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  }).format(value / 100);
}

/** An instant as date and time, in `timeZone` when given (else the browser's). */
export function formatDateTime(iso: string | null | undefined, lang: Lang, timeZone?: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locales[lang], {
    dateStyle: 'medium',
    timeStyle: 'medium',
    ...(timeZone ? { timeZone } : {}),
  }).format(d);
}

/** Seconds from one instant to another; null when either is missing or not a date. */
export function secondsBetween(
  from: string | null | undefined,
  to: string | null | undefined,
): number | null {
  if (!from || !to) return null;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) ? ms / 1000 : null;
}

/** A period in minutes as a repetition: every 15 min, every 2 h, every hour (French: toutes les 15 min). */
export function formatEvery(minutes: number, lang: Lang): string {
  const every = lang === 'fr' ? 'toutes les' : 'every';
  if (minutes === 1) return lang === 'fr' ? 'toutes les minutes' : 'every minute';
  if (minutes === 60) return lang === 'fr' ? 'toutes les heures' : 'every hour';
  if (minutes > 60 && minutes % 60 === 0) return `${every} ${minutes / 60}\u00a0h`;
  return `${every} ${formatNumber(minutes, lang)}\u00a0min`;
}

export function formatDate(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '—';
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T00:00:00Z` : iso);
  if (Number.isNaN(d.getTime())) return iso;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(iso);
  return new Intl.DateTimeFormat(locales[lang], {
    dateStyle: 'medium',
    ...(dateOnly ? { timeZone: 'UTC' } : {}),
  }).format(d);
}

export function formatTime(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locales[lang], { timeStyle: 'medium' }).format(d);
}
