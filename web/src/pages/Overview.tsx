import { useMemo } from 'react';
import {
  type BreakdownRow,
  buildUrl,
  type OverviewResponse,
  type OverviewTile,
  type TileKey,
} from '../api.ts';
import { EChart, type EChartsOption } from '../components/EChart.tsx';
import { Empty, ErrorBox, Loading, Refreshing } from '../components/Status.tsx';
import { addDays, filterOf, isGenesys } from '../filters.ts';
import { formatDate, formatDuration, formatNumber, formatPct } from '../format.ts';
import { type I18n, type Labels, useI18n } from '../i18n.ts';
import { updateQuery } from '../router.tsx';
import { useApi } from '../useApi.ts';

const TILE_ORDER: TileKey[] = ['cases', 'slaPct', 'fcrPct', 'reopenPct', 'medianResolution', 'aht', 'csat'];
const PCT_KEYS = new Set<TileKey>(['slaPct', 'fcrPct', 'reopenPct']);
/** +1: higher is better, −1: lower is better, 0: neither. */
const GOOD_DIRECTION: Record<TileKey, number> = {
  cases: 0,
  slaPct: 1,
  fcrPct: 1,
  reopenPct: -1,
  medianResolution: -1,
  aht: -1,
  csat: 1,
};

export function formatTile(key: TileKey, value: number | null, i18n: I18n): string {
  if (value === null) return '—';
  if (PCT_KEYS.has(key)) return formatPct(value, i18n.lang);
  if (key === 'medianResolution' || key === 'aht') return formatDuration(value, i18n.lang);
  if (key === 'csat') return formatNumber(value, i18n.lang, 2);
  return formatNumber(value, i18n.lang);
}

/**
 * A period [from, to) as first day – last day. The trend's days are already in the organisation's time
 * zone; otherwise the UTC instants are shown in the browser's zone, `to` made inclusive.
 */
function periodText(
  period: { from: string | null; to: string | null },
  trend: { day: string }[] | null,
  offset: number,
  i18n: I18n,
): string {
  const first = trend?.[0]?.day;
  const last = trend?.[trend.length - 1]?.day;
  if (first && last) return `${formatDate(first, i18n.lang)} – ${formatDate(last, i18n.lang)}`;
  if (!period.from || !period.to) return '—';
  const from = localDay(period.from, offset);
  const to = addDays(localDay(period.to, offset), -1);
  return `${formatDate(from, i18n.lang)} – ${formatDate(to, i18n.lang)}`;
}

const DAY_MS = 86_400_000;

/**
 * The organisation's UTC offset, inferred from the period's start (a local midnight, UTC) and the first
 * day of the trend (that local date). The API does not give the time zone itself.
 */
function zoneOffset(data: OverviewResponse): number {
  const first = data.trend[0]?.day;
  if (!first || !data.period.from) return 0;
  return Date.parse(`${first}T00:00:00Z`) - Date.parse(data.period.from);
}

/** The local date of an instant near a local midnight (rounded to the nearest, across DST changes). */
function localDay(iso: string, offsetMs: number): string {
  return new Date(Math.round((Date.parse(iso) + offsetMs) / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

export default function Overview({ query }: { query: URLSearchParams }) {
  const i18n = useI18n();
  const { t } = i18n;
  const url = buildUrl('/overview', filterOf(query));
  const { data, loading, error, reload } = useApi<OverviewResponse>(url);

  if (error) return <ErrorBox error={error} onRetry={reload} />;
  if (!data) return <Loading />;
  const genesys = isGenesys(query);
  // Imported logs only have cases and their (median) duration.
  const keys = genesys ? TILE_ORDER : (['cases', 'medianResolution'] as TileKey[]);
  const tiles = keys.map(
    (key) => data.tiles.find((tile) => tile.key === key) ?? { key, value: null, previous: null },
  );
  const noCases = (data.tiles.find((tile) => tile.key === 'cases')?.value ?? 0) === 0;

  return (
    <div className="page" data-testid="page-overview" aria-busy={loading}>
      <Refreshing active={loading} />
      <div className="page-head">
        <h1>{t.navOverview}</h1>
        <p className="muted" data-testid="overview-period">
          {t.period}: {periodText(data.period, data.trend, zoneOffset(data), i18n)}
          {data.previous.from && (
            <>
              {' · '}
              {t.previousPeriod}: {periodText(data.previous, null, zoneOffset(data), i18n)}
            </>
          )}
        </p>
      </div>
      <ul className="kpi-grid" aria-label="KPI">
        {tiles.map((tile) => (
          <KpiTile
            key={tile.key}
            tile={tile}
            label={!genesys && tile.key === 'medianResolution' ? t.medianCaseDuration : undefined}
          />
        ))}
      </ul>
      {noCases ? (
        <Empty />
      ) : (
        <>
          <div className="chart-grid">
            <section className="card" aria-labelledby="trend-cases">
              <h2 id="trend-cases">{t.trendCases}</h2>
              <TrendCases data={data} />
            </section>
            {genesys && (
              <section className="card" aria-labelledby="trend-rates">
                <h2 id="trend-rates">{t.trendRates}</h2>
                <TrendRates data={data} />
              </section>
            )}
          </div>
          {genesys && (
            <div className="chart-grid">
              <Breakdown
                title={t.byChannel}
                rows={data.byMediaType}
                field="mediaType"
                testId="breakdown-mediaType"
              />
              <Breakdown
                title={t.byRequestType}
                rows={data.byRequestType}
                field="requestType"
                testId="breakdown-requestType"
              />
            </div>
          )}
        </>
      )}
    </div>
  );
}

function KpiTile({ tile, label: override }: { tile: OverviewTile; label?: string | undefined }) {
  const i18n = useI18n();
  const { t } = i18n;
  const label = override ?? t[`kpi_${tile.key}` as keyof Labels];
  const { value, previous } = tile;
  let change: { text: string; direction: number; spoken: string } | null = null;
  if (value !== null && previous !== null) {
    if (PCT_KEYS.has(tile.key)) {
      const diff = value - previous;
      change = {
        text: `${formatNumber(Math.abs(diff), i18n.lang, 1)} ${t.points}`,
        direction: Math.sign(Math.round(diff * 10)),
        spoken: `${formatNumber(Math.abs(diff), i18n.lang, 1)} ${t.points}`,
      };
    } else if (previous !== 0) {
      const pct = ((value - previous) / Math.abs(previous)) * 100;
      change = {
        text: formatPct(Math.abs(pct), i18n.lang, 1),
        direction: Math.sign(Math.round(pct * 10)),
        spoken: formatPct(Math.abs(pct), i18n.lang, 1),
      };
    }
  }
  const good = change ? change.direction * GOOD_DIRECTION[tile.key] : 0;
  const tone = good > 0 ? 'good' : good < 0 ? 'bad' : 'neutral';
  const arrow = change ? (change.direction > 0 ? '▲' : change.direction < 0 ? '▼' : '■') : '';
  const word = change ? (change.direction > 0 ? t.up : change.direction < 0 ? t.down : t.unchanged) : '';
  return (
    <li
      className="kpi"
      data-testid={`kpi-${tile.key}`}
      data-value={value ?? ''}
      data-previous={previous ?? ''}
    >
      <span className="kpi-label">{label}</span>
      <span className="kpi-value" data-testid={`kpi-${tile.key}-value`}>
        {formatTile(tile.key, value, i18n)}
      </span>
      <span
        className={`kpi-change ${tone}`}
        data-testid={`kpi-${tile.key}-change`}
        title={`${t.previousPeriod}: ${formatTile(tile.key, previous, i18n)}`}
      >
        {change ? (
          <>
            <span aria-hidden="true">
              {arrow} {change.direction === 0 ? t.unchanged : change.text}
            </span>
            <span className="visually-hidden">
              {word} {change.direction === 0 ? '' : change.spoken} {t.vsPrevious} (
              {formatTile(tile.key, previous, i18n)})
            </span>
          </>
        ) : (
          <span className="muted">{t.noPrevious}</span>
        )}
      </span>
    </li>
  );
}

const BLUE = '#1f5fa8';
const GREEN = '#1d7a46';
const ORANGE = '#b45309';

function TrendCases({ data }: { data: OverviewResponse }) {
  const i18n = useI18n();
  const option = useMemo<EChartsOption>(
    () => ({
      grid: { left: 48, right: 16, top: 16, bottom: 28 },
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => formatNumber(v, i18n.lang) },
      xAxis: {
        type: 'category',
        data: data.trend.map((p) => p.day),
        axisLabel: { formatter: (d: string) => formatDate(d, i18n.lang).replace(/ \d{4}$/, '') },
      },
      yAxis: {
        type: 'value',
        minInterval: 1,
        axisLabel: { formatter: (v: number) => formatNumber(v, i18n.lang) },
      },
      dataZoom: data.trend.length > 45 ? [{ type: 'inside' }] : [],
      series: [
        {
          name: i18n.t.cases,
          type: 'line',
          smooth: true,
          showSymbol: data.trend.length < 40,
          areaStyle: { opacity: 0.12 },
          color: BLUE,
          data: data.trend.map((p) => p.cases),
        },
      ],
    }),
    [data, i18n],
  );
  return <EChart option={option} label={i18n.t.trendCases} testId="chart-trend-cases" />;
}

function TrendRates({ data }: { data: OverviewResponse }) {
  const i18n = useI18n();
  const option = useMemo<EChartsOption>(
    () => ({
      grid: { left: 48, right: 16, top: 32, bottom: 28 },
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v: number | null) => formatPct(v, i18n.lang),
      },
      legend: { top: 0 },
      xAxis: {
        type: 'category',
        data: data.trend.map((p) => p.day),
        axisLabel: { formatter: (d: string) => formatDate(d, i18n.lang).replace(/ \d{4}$/, '') },
      },
      yAxis: {
        type: 'value',
        min: 0,
        max: 100,
        axisLabel: { formatter: (v: number) => formatPct(v, i18n.lang, 0) },
      },
      series: [
        {
          name: i18n.t.kpi_slaPct,
          type: 'line',
          smooth: true,
          showSymbol: false,
          connectNulls: true,
          color: GREEN,
          data: data.trend.map((p) => p.slaPct),
        },
        {
          name: i18n.t.kpi_fcrPct,
          type: 'line',
          smooth: true,
          showSymbol: false,
          connectNulls: true,
          color: ORANGE,
          lineStyle: { type: 'dashed' },
          data: data.trend.map((p) => p.fcrPct),
        },
      ],
    }),
    [data, i18n],
  );
  return <EChart option={option} label={i18n.t.trendRates} testId="chart-trend-rates" />;
}

/** Figures of a breakdown row other than its label, in a stable order. */
const FIGURE_ORDER = ['cases', 'slaPct', 'fcrPct', 'reopenPct', 'medianResolution', 'aht', 'csat'];

function figureKeys(rows: BreakdownRow[], field: string): string[] {
  const keys = new Set<string>();
  for (const row of rows) {
    for (const [k, v] of Object.entries(row)) if (k !== field && typeof v === 'number') keys.add(k);
  }
  return [...keys].sort((a, b) => {
    const ia = FIGURE_ORDER.indexOf(a);
    const ib = FIGURE_ORDER.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
  });
}

function formatFigure(key: string, value: unknown, i18n: I18n): string {
  if (typeof value !== 'number') return '—';
  if ((TILE_ORDER as string[]).includes(key)) return formatTile(key as TileKey, value, i18n);
  if (/pct$/i.test(key)) return formatPct(value, i18n.lang);
  if (/duration|time|resolution|seconds/i.test(key)) return formatDuration(value, i18n.lang);
  return formatNumber(value, i18n.lang, Number.isInteger(value) ? 0 : 2);
}

function figureLabel(key: string, t: Labels): string {
  const label = (t as Record<string, string>)[`kpi_${key}`];
  return label ?? key;
}

function rowLabel(row: BreakdownRow, field: string, unknown: string): string {
  const v = row[field] ?? row.value ?? row.key ?? row.name;
  return typeof v === 'string' && v ? v : unknown;
}

function Breakdown({
  title,
  rows,
  field,
  testId,
}: {
  title: string;
  rows: BreakdownRow[];
  field: 'mediaType' | 'requestType';
  testId: string;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const label = (row: BreakdownRow) => rowLabel(row, field, t.unknown);
  const sorted = useMemo(() => [...rows].sort((a, b) => Number(b.cases ?? 0) - Number(a.cases ?? 0)), [rows]);
  const keys = useMemo(() => figureKeys(rows, field), [rows, field]);
  const option = useMemo<EChartsOption>(
    () => ({
      grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
      tooltip: {
        trigger: 'item',
        formatter: (p: { dataIndex: number }) => {
          const row = sorted[p.dataIndex];
          if (!row) return '';
          const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
          return `<strong>${esc(rowLabel(row, field, t.unknown))}</strong><br>${keys
            .map((k) => `${esc(figureLabel(k, t))}: ${esc(formatFigure(k, row[k], i18n))}`)
            .join('<br>')}`;
        },
      },
      xAxis: {
        type: 'value',
        minInterval: 1,
        axisLabel: { formatter: (v: number) => formatNumber(v, i18n.lang) },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: sorted.map((r) => rowLabel(r, field, t.unknown)),
        axisTick: { show: false },
      },
      series: [
        {
          type: 'bar',
          name: t.cases,
          color: BLUE,
          barMaxWidth: 22,
          label: {
            show: true,
            position: 'right',
            formatter: (p: { value: number }) => formatNumber(p.value, i18n.lang),
          },
          data: sorted.map((r) => Number(r.cases ?? 0)),
          cursor: 'pointer',
        },
      ],
    }),
    [sorted, keys, i18n, t, field],
  );
  const height = Math.max(140, sorted.length * 34 + 24);
  return (
    <section className="card" aria-label={title} data-testid={testId}>
      <h2>{title}</h2>
      {sorted.length === 0 ? (
        <Empty />
      ) : (
        <>
          <EChart
            option={option}
            label={`${title}: ${t.chartAlt}`}
            height={height}
            onClick={({ dataIndex }) => {
              const row = sorted[dataIndex];
              const value = row?.[field] ?? row?.value;
              if (typeof value === 'string' && value) updateQuery({ [field]: value, page: undefined });
            }}
          />
          <details className="table-details">
            <summary>{t.showTable}</summary>
            <div className="table-wrap">
              <table className="data-table compact">
                <thead>
                  <tr>
                    <th scope="col">{title}</th>
                    {keys.map((k) => (
                      <th scope="col" key={k} className="num">
                        {figureLabel(k, t)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {sorted.map((row) => (
                    <tr key={label(row)}>
                      <th scope="row">{label(row)}</th>
                      {keys.map((k) => (
                        <td key={k} className="num">
                          {formatFigure(k, row[k], i18n)}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      )}
    </section>
  );
}
