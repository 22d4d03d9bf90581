import { type KeyboardEvent, type ReactNode, useId, useMemo } from 'react';
import {
  type AgentPerformanceResponse,
  type AgentPerformanceRow,
  ANOMALY_FLAGS,
  type AnomalyFlag,
  type InboundMessagesResponse,
  LEADERBOARD_GROUPS,
  LEADERBOARD_METRICS,
  type LeaderboardGroup,
  type LeaderboardMetric,
  type LeaderboardResponse,
  type OpenedByContactTypeResponse,
  type OpenedHeatmapResponse,
  OUTBOUND_SOURCES,
  type OutboundBySourceResponse,
  REPORT_INTERVALS,
  type ReportInterval,
  type ReportTeamsResponse,
  type ResolvedConversationsResponse,
} from '../api.ts';
import { EChart, type EChartsOption } from '../components/EChart.tsx';
import { MultiPicker } from '../components/MultiPicker.tsx';
import { Pager, pagingOf } from '../components/Pager.tsx';
import { ReportCard } from '../components/ReportCard.tsx';
import { addDays, getOrganizationTimeZone, listOf } from '../filters.ts';
import { formatDateTime, formatDuration, formatNumber } from '../format.ts';
import { type Labels, useI18n } from '../i18n.ts';
import {
  durationStep,
  HOURS,
  heatmapMatrix,
  type Pivot,
  parseSort,
  periodLabel,
  pivot,
  REPORT_TABS,
  type ReportTab,
  reportUrl,
  sortRows,
  WEEKDAYS,
} from '../reports.ts';
import { Link, updateQuery, withQuery } from '../router.tsx';
import { useApi } from '../useApi.ts';

const PALETTE = ['#1f5fa8', '#d97706', '#1d7a46', '#9333ea', '#b3261e', '#0e7490', '#6b7280', '#a16207'];
const LIMITS = [5, 10, 20, 50];

const FLAG_LABEL: Record<AnomalyFlag, keyof Labels> = {
  'long-resolution': 'flagLongResolution',
  'many-messages': 'flagManyMessages',
};

const TAB_LABEL: Record<ReportTab, keyof Labels> = {
  conversations: 'tabConversations',
  messages: 'tabMessages',
  leaderboard: 'tabLeaderboard',
  agents: 'tabAgents',
  list: 'tabConversationList',
};

function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return value && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** A query with only the period and business-hours choice: for the filter's option lists. */
function periodOnly(query: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams();
  for (const key of ['from', 'to', 'businessHours']) {
    const v = query.get(key);
    if (v) out.set(key, v);
  }
  return out;
}

export default function Reports({ query }: { query: URLSearchParams }) {
  const { t } = useI18n();
  const tab = oneOf(query.get('tab'), REPORT_TABS, 'conversations');
  const zone = getOrganizationTimeZone();
  const tabsId = useId();

  const select = (next: ReportTab) =>
    updateQuery({ tab: next === 'conversations' ? undefined : next, page: undefined, sort: undefined });
  const onKey = (event: KeyboardEvent<HTMLButtonElement>) => {
    const i = REPORT_TABS.indexOf(tab);
    const move: Record<string, number> = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: -1 };
    if (!(event.key in move)) return;
    event.preventDefault();
    const n = REPORT_TABS.length;
    const next = REPORT_TABS[((move[event.key] ?? 0) + n) % n] as ReportTab;
    select(next);
    document.getElementById(`${tabsId}-${next}`)?.focus();
  };

  return (
    <div className="page" data-testid="page-reports" data-tab={tab}>
      <div className="page-head">
        <h1>{t.navReports}</h1>
        {zone && (
          <p className="muted">
            {t.timeZone}: {zone}
          </p>
        )}
      </div>
      <ReportFilters query={query} tab={tab} />
      <div className="tabs" role="tablist" aria-label={t.navReports}>
        {REPORT_TABS.map((key) => (
          <button
            key={key}
            type="button"
            role="tab"
            id={`${tabsId}-${key}`}
            aria-selected={tab === key}
            aria-controls={`${tabsId}-panel`}
            tabIndex={tab === key ? 0 : -1}
            onClick={() => select(key)}
            onKeyDown={onKey}
            data-testid={`tab-${key}`}
          >
            {t[TAB_LABEL[key]]}
          </button>
        ))}
      </div>
      <div
        className="tab-panel"
        role="tabpanel"
        id={`${tabsId}-panel`}
        aria-labelledby={`${tabsId}-${tab}`}
        data-testid={`panel-${tab}`}
      >
        {tab === 'conversations' && (
          <div className="chart-grid">
            <HeatmapReport query={query} />
            <ContactTypeReport query={query} />
          </div>
        )}
        {tab === 'messages' && (
          <div className="chart-grid">
            <InboundReport query={query} />
            <OutboundReport query={query} />
          </div>
        )}
        {tab === 'leaderboard' && <LeaderboardReport query={query} />}
        {tab === 'agents' && <AgentsReport query={query} />}
        {tab === 'list' && <ResolvedReport query={query} />}
      </div>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// Filter bar
// ---------------------------------------------------------------------------------------------

/** Team, agent and channel choices, from the reports' own answers for the period. */
function useReportOptions(query: URLSearchParams) {
  const { lang } = useI18n();
  const period = periodOnly(query);
  const agents = useApi<AgentPerformanceResponse>(reportUrl('agent-performance', period, {}, lang));
  const inbound = useApi<InboundMessagesResponse>(
    reportUrl('inbound-messages', period, { interval: 'month' }, lang),
  );
  // Every team is selectable, also one whose agents closed nothing in the period.
  const teamList = useApi<ReportTeamsResponse>('/api/v1/reports/teams');
  const teamParam = query.get('team');
  return useMemo(() => {
    const teamFilter = listOf(teamParam);
    const rows = agents.data?.rows ?? [];
    const teams = teamList.data?.teams ?? [];
    // With teams chosen, the agents offered are theirs.
    const agentRows = rows
      .filter((r) => teamFilter.length === 0 || (r.team && teamFilter.includes(r.team)))
      .sort((a, b) => a.agentName.localeCompare(b.agentName));
    return {
      teams: teams.map((x) => ({ value: x, label: x })),
      agents: agentRows.map((r) => ({ value: r.agentId, label: r.agentName })),
      channels: (inbound.data?.channels ?? []).map((c) => ({ value: c, label: c })),
    };
  }, [agents.data, inbound.data, teamList.data, teamParam]);
}

function ReportFilters({ query, tab }: { query: URLSearchParams; tab: ReportTab }) {
  const { t } = useI18n();
  const options = useReportOptions(query);
  const set = (key: string, value: string | undefined) => updateQuery({ [key]: value, page: undefined });
  const to = query.get('to');
  const fromId = useId();
  const toId = useId();
  const intervalId = useId();
  const active = ['from', 'to', 'team', 'agent', 'channel', 'businessHours'].some((k) => query.get(k));
  const withInterval = tab === 'conversations' || tab === 'messages';
  return (
    <section className="card report-filters" aria-label={t.filters} data-testid="report-filters">
      <div className="filter-grid">
        <div className="field">
          <label htmlFor={fromId}>{t.filterFrom}</label>
          <input
            id={fromId}
            type="date"
            value={query.get('from') ?? ''}
            onChange={(e) => set('from', e.target.value || undefined)}
            data-testid="report-from"
          />
        </div>
        <div className="field">
          <label htmlFor={toId}>{t.filterTo}</label>
          <input
            id={toId}
            type="date"
            value={to && /^\d{4}-\d{2}-\d{2}$/.test(to) ? addDays(to, -1) : ''}
            onChange={(e) => set('to', e.target.value ? addDays(e.target.value, 1) : undefined)}
            data-testid="report-to"
          />
        </div>
        <MultiPicker
          label={t.filterTeam}
          options={options.teams}
          value={listOf(query.get('team'))}
          onChange={(v) => set('team', v.join(',') || undefined)}
          testId="team-filter"
        />
        <MultiPicker
          label={t.filterAgent}
          options={options.agents}
          value={listOf(query.get('agent'))}
          onChange={(v) => set('agent', v.join(',') || undefined)}
          testId="agent-filter"
        />
        <MultiPicker
          label={t.filterMediaType}
          options={options.channels}
          value={listOf(query.get('channel'))}
          onChange={(v) => set('channel', v.join(',') || undefined)}
          testId="channel-filter"
        />
        {withInterval && (
          <div className="field">
            <label htmlFor={intervalId}>{t.interval}</label>
            <select
              id={intervalId}
              value={oneOf(query.get('interval'), REPORT_INTERVALS, 'day')}
              onChange={(e) =>
                updateQuery({ interval: e.target.value === 'day' ? undefined : e.target.value })
              }
              data-testid="interval-select"
            >
              {REPORT_INTERVALS.map((i) => (
                <option key={i} value={i}>
                  {t[`interval_${i}` as keyof Labels]}
                </option>
              ))}
            </select>
          </div>
        )}
        <label className="check toggle-field" title={t.businessHoursHint}>
          <input
            type="checkbox"
            checked={query.get('businessHours') === 'true'}
            onChange={(e) => set('businessHours', e.target.checked ? 'true' : undefined)}
            data-testid="business-hours"
          />
          {t.businessHours}
        </label>
        {active && (
          <div className="filter-actions">
            <button
              type="button"
              className="link-button"
              onClick={() =>
                updateQuery({
                  from: undefined,
                  to: undefined,
                  team: undefined,
                  agent: undefined,
                  channel: undefined,
                  businessHours: undefined,
                  page: undefined,
                })
              }
              data-testid="report-filters-clear"
            >
              {t.clearFilters}
            </button>
          </div>
        )}
      </div>
    </section>
  );
}

// ---------------------------------------------------------------------------------------------
// Shared chart pieces
// ---------------------------------------------------------------------------------------------

function useInterval(query: URLSearchParams): ReportInterval {
  return oneOf(query.get('interval'), REPORT_INTERVALS, 'day');
}

/** Stacked bars of a pivot (series × periods). */
function stackedOption(
  data: Pivot,
  interval: ReportInterval,
  names: (s: string) => string,
  lang: 'en' | 'fr',
) {
  return {
    grid: { left: 48, right: 16, top: 36, bottom: 28 },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      valueFormatter: (v: number) => formatNumber(v, lang),
    },
    legend: { top: 0, type: 'scroll' },
    xAxis: {
      type: 'category',
      data: data.periods.map((p) => periodLabel(p, interval, lang)),
    },
    yAxis: {
      type: 'value',
      minInterval: 1,
      axisLabel: { formatter: (v: number) => formatNumber(v, lang) },
    },
    dataZoom: data.periods.length > 60 ? [{ type: 'inside' }] : [],
    series: data.series.map((s, i) => ({
      name: names(s),
      type: 'bar',
      stack: 'total',
      barMaxWidth: 36,
      color: PALETTE[i % PALETTE.length],
      emphasis: { focus: 'series' },
      data: data.values[i],
    })),
  } satisfies EChartsOption;
}

/** The figures of a pivot as a table: one row per period, one column per series, and the total. */
function PivotTable({
  data,
  interval,
  names,
  testId,
}: {
  data: Pivot;
  interval: ReportInterval;
  names: (s: string) => string;
  testId: string;
}) {
  const { t, lang } = useI18n();
  return (
    <div className="table-wrap report-table scroll">
      <table className="data-table compact" data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">{t.period}</th>
            {data.series.map((s) => (
              <th scope="col" key={s} className="num">
                {names(s)}
              </th>
            ))}
            <th scope="col" className="num">
              {t.total}
            </th>
          </tr>
        </thead>
        <tbody>
          {data.periods.map((p, pi) => (
            <tr key={p}>
              <th scope="row" className="nowrap">
                {periodLabel(p, interval, lang)}
              </th>
              {data.series.map((s, si) => (
                <td key={s} className="num">
                  {formatNumber(data.values[si]?.[pi] ?? 0, lang)}
                </td>
              ))}
              <td className="num">
                {formatNumber(
                  data.values.reduce((sum, row) => sum + (row[pi] ?? 0), 0),
                  lang,
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// 1. Opened conversations: weekday × hour
// ---------------------------------------------------------------------------------------------

function HeatmapReport({ query }: { query: URLSearchParams }) {
  const { t, lang } = useI18n();
  const url = reportUrl('opened-heatmap', query, {}, lang);
  const answer = useApi<OpenedHeatmapResponse>(url);
  const days = WEEKDAYS[lang];
  return (
    <ReportCard
      title={t.reportHeatmap}
      url={url}
      answer={answer}
      testId="reports-heatmap"
      isEmpty={(d) => d.total === 0}
      empty={t.reportNoConversations}
      note={
        answer.data &&
        `${formatNumber(answer.data.total, lang)} ${t.conversationsOpened} · ${answer.data.timeZone}`
      }
      chart={(d) => <HeatmapChart data={d} />}
      table={(d) => {
        const matrix = heatmapMatrix(d.cells);
        const max = Math.max(1, ...matrix.flat());
        return (
          <div className="table-wrap report-table">
            <table
              className="data-table compact heatmap-table"
              data-testid="heatmap-table"
              data-total={d.total}
            >
              <caption className="visually-hidden">
                {t.reportHeatmap} ({d.timeZone})
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t.weekday}</th>
                  {HOURS.map((h) => (
                    <th scope="col" key={h} className="num" title={`${h}:00–${h + 1}:00`}>
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {matrix.map((row, wd) => (
                  <tr key={days[wd]}>
                    <th scope="row">{days[wd]}</th>
                    {row.map((count, h) => (
                      <td
                        // biome-ignore lint/suspicious/noArrayIndexKey: the hour is the column
                        key={h}
                        className="num heat-cell"
                        data-count={count}
                        style={{ background: `rgba(31, 78, 140, ${(0.85 * count) / max})` }}
                        data-dark={count / max > 0.5 || undefined}
                      >
                        {formatNumber(count, lang)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        );
      }}
    />
  );
}

function HeatmapChart({ data }: { data: OpenedHeatmapResponse }) {
  const { t, lang } = useI18n();
  const option = useMemo<EChartsOption>(() => {
    const matrix = heatmapMatrix(data.cells);
    const days = WEEKDAYS[lang];
    const max = Math.max(1, ...matrix.flat());
    return {
      grid: { left: 44, right: 12, top: 8, bottom: 84 },
      tooltip: {
        position: 'top',
        formatter: (p: { value: [number, number, number] }) => {
          const [h, wd, count] = p.value;
          return `${days[wd]} ${h}:00–${h + 1}:00<br>${formatNumber(count, lang)} ${t.conversationsOpened}`;
        },
      },
      xAxis: {
        type: 'category',
        data: HOURS.map(String),
        name: t.hour,
        nameLocation: 'middle',
        nameGap: 24,
        splitArea: { show: true },
      },
      yAxis: { type: 'category', data: days, inverse: true, splitArea: { show: true } },
      visualMap: {
        min: 0,
        max,
        calculable: false,
        orient: 'horizontal',
        left: 'center',
        bottom: 0,
        itemHeight: 160,
        itemWidth: 12,
        text: [formatNumber(max, lang), '0'],
        inRange: { color: ['#f3f7fc', '#9cc3f0', '#1f4e8c'] },
      },
      series: [
        {
          type: 'heatmap',
          name: t.reportHeatmap,
          data: matrix.flatMap((row, wd) => row.map((count, h) => [h, wd, count])),
          emphasis: { itemStyle: { borderColor: '#17202b', borderWidth: 1 } },
          itemStyle: { borderColor: '#fff', borderWidth: 1 },
        },
      ],
    };
  }, [data, lang, t]);
  return (
    <EChart option={option} label={`${t.reportHeatmap}: ${t.chartAlt}`} height={320} testId="heatmap-chart" />
  );
}

// ---------------------------------------------------------------------------------------------
// 2. New vs returning contacts
// ---------------------------------------------------------------------------------------------

function ContactTypeReport({ query }: { query: URLSearchParams }) {
  const { t, lang } = useI18n();
  const interval = useInterval(query);
  const url = reportUrl('opened-by-contact-type', query, { interval }, lang);
  const answer = useApi<OpenedByContactTypeResponse>(url);
  const names = (s: string) => (s === 'new' ? t.contactNew : t.contactReturning);
  const toPivot = (d: OpenedByContactTypeResponse) =>
    pivot(
      d.rows.flatMap((r) => [
        { period: r.period, type: 'new', count: r.new },
        { period: r.period, type: 'returning', count: r.returning },
      ]),
      (r) => r.type,
      ['new', 'returning'],
    );
  return (
    <ReportCard
      title={t.reportContactType}
      url={url}
      answer={answer}
      testId="reports-contact-type"
      isEmpty={(d) => d.rows.length === 0}
      empty={t.reportNoConversations}
      chart={(d) => (
        <PivotChart data={toPivot(d)} interval={interval} names={names} label={t.reportContactType} />
      )}
      table={(d) => (
        <PivotTable data={toPivot(d)} interval={interval} names={names} testId="contact-type-table" />
      )}
    />
  );
}

function PivotChart({
  data,
  interval,
  names,
  label,
}: {
  data: Pivot;
  interval: ReportInterval;
  names: (s: string) => string;
  label: string;
}) {
  const { t, lang } = useI18n();
  // `names` is a fresh function each render; its labels change with the language only.
  // biome-ignore lint/correctness/useExhaustiveDependencies: see above
  const option = useMemo<EChartsOption>(
    () => stackedOption(data, interval, names, lang),
    [data, interval, lang],
  );
  return <EChart option={option} label={`${label}: ${t.chartAlt}`} height={300} />;
}

// ---------------------------------------------------------------------------------------------
// 3. Inbound messages by channel, 7. outbound messages by source
// ---------------------------------------------------------------------------------------------

function InboundReport({ query }: { query: URLSearchParams }) {
  const { t, lang } = useI18n();
  const interval = useInterval(query);
  const url = reportUrl('inbound-messages', query, { interval }, lang);
  const answer = useApi<InboundMessagesResponse>(url);
  const data = useMemo(
    () => answer.data && pivot(answer.data.rows, (r) => r.channel, answer.data.channels),
    [answer.data],
  );
  const names = (s: string) => s;
  return (
    <ReportCard
      title={t.reportInbound}
      url={url}
      answer={answer}
      testId="reports-inbound"
      isEmpty={(d) => d.rows.length === 0}
      empty={t.reportNoMessages}
      chart={() =>
        data && <PivotChart data={data} interval={interval} names={names} label={t.reportInbound} />
      }
      table={() =>
        data && <PivotTable data={data} interval={interval} names={names} testId="inbound-table" />
      }
    />
  );
}

function OutboundReport({ query }: { query: URLSearchParams }) {
  const { t, lang } = useI18n();
  const interval = useInterval(query);
  const url = reportUrl('outbound-by-source', query, { interval }, lang);
  const answer = useApi<OutboundBySourceResponse>(url);
  const data = useMemo(
    () => answer.data && pivot(answer.data.rows, (r) => r.source, OUTBOUND_SOURCES),
    [answer.data],
  );
  const names = (s: string) => t[`source_${s}` as keyof Labels] ?? s;
  return (
    <ReportCard
      title={t.reportOutbound}
      url={url}
      answer={answer}
      testId="reports-outbound"
      isEmpty={(d) => d.rows.length === 0}
      empty={t.reportNoMessages}
      note={t.outboundNote}
      chart={() =>
        data && <PivotChart data={data} interval={interval} names={names} label={t.reportOutbound} />
      }
      table={() =>
        data && <PivotTable data={data} interval={interval} names={names} testId="outbound-table" />
      }
    />
  );
}

// ---------------------------------------------------------------------------------------------
// 4. Leaderboard
// ---------------------------------------------------------------------------------------------

function SelectControl<T extends string | number>({
  label,
  value,
  options,
  onChange,
  testId,
}: {
  label: string;
  value: T;
  options: { value: T; label: string }[];
  onChange: (value: string) => void;
  testId: string;
}) {
  const id = useId();
  return (
    <span className="inline-control">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </span>
  );
}

function LeaderboardReport({ query }: { query: URLSearchParams }) {
  const { t, lang } = useI18n();
  const metric = oneOf<LeaderboardMetric>(query.get('metric'), LEADERBOARD_METRICS, 'first-response');
  const groupBy = oneOf<LeaderboardGroup>(query.get('groupBy'), LEADERBOARD_GROUPS, 'team');
  const limitParam = Number(query.get('limit'));
  const limit = LIMITS.includes(limitParam) ? limitParam : 10;
  const url = reportUrl('leaderboard', query, { metric, groupBy, limit }, lang);
  const answer = useApi<LeaderboardResponse>(url);
  const metricLabel = metric === 'resolution' ? t.metricResolution : t.metricFirstResponse;
  const controls = (
    <>
      <SelectControl
        label={t.metric}
        value={metric}
        options={LEADERBOARD_METRICS.map((m) => ({
          value: m,
          label: m === 'resolution' ? t.metricResolution : t.metricFirstResponse,
        }))}
        onChange={(v) => updateQuery({ metric: v === 'first-response' ? undefined : v })}
        testId="leaderboard-metric"
      />
      <SelectControl
        label={t.groupBy}
        value={groupBy}
        options={LEADERBOARD_GROUPS.map((g) => ({ value: g, label: g === 'team' ? t.team : t.agent }))}
        onChange={(v) => updateQuery({ groupBy: v === 'team' ? undefined : v })}
        testId="leaderboard-group"
      />
      <SelectControl
        label={t.top}
        value={limit}
        options={LIMITS.map((n) => ({ value: n, label: String(n) }))}
        onChange={(v) => updateQuery({ limit: v === '10' ? undefined : v })}
        testId="leaderboard-limit"
      />
    </>
  );
  return (
    <ReportCard
      title={`${t.reportLeaderboard}: ${metricLabel}`}
      url={url}
      answer={answer}
      testId="leaderboard"
      controls={controls}
      note={`${groupBy === 'team' ? t.leaderboardNoteTeams : t.leaderboardNoteAgents}${
        answer.data?.businessHours ? ` ${t.businessHoursOnly}` : ''
      }`}
      isEmpty={(d) => d.rows.length === 0}
      empty={t.reportNoConversations}
      chart={(d) => <LeaderboardChart data={d} label={metricLabel} />}
      table={(d) => (
        <div className="table-wrap report-table">
          <table className="data-table compact" data-testid="leaderboard-table">
            <thead>
              <tr>
                <th scope="col" className="num">
                  {t.rank}
                </th>
                <th scope="col">{groupBy === 'team' ? t.team : t.agent}</th>
                <th scope="col" className="num">
                  {metricLabel} ({t.average})
                </th>
                <th scope="col" className="num">
                  {t.conversations}
                </th>
              </tr>
            </thead>
            <tbody>
              {d.rows.map((r, i) => (
                <tr
                  key={r.key}
                  data-testid="leaderboard-row"
                  data-key={r.key}
                  data-average={r.averageSeconds ?? ''}
                >
                  <td className="num">{i + 1}</td>
                  <th scope="row">{r.name}</th>
                  <td className="num">{formatDuration(r.averageSeconds, lang)}</td>
                  <td className="num">{formatNumber(r.conversations, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    />
  );
}

function LeaderboardChart({ data, label }: { data: LeaderboardResponse; label: string }) {
  const { t, lang } = useI18n();
  const option = useMemo<EChartsOption>(() => {
    const longest = Math.max(0, ...data.rows.map((r) => r.averageSeconds ?? 0));
    const step = durationStep(longest);
    return {
      grid: { left: 8, right: 72, top: 8, bottom: 24, containLabel: true },
      tooltip: {
        trigger: 'item',
        formatter: (p: { dataIndex: number }) => {
          const r = data.rows[p.dataIndex];
          if (!r) return '';
          const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
          return `<strong>${p.dataIndex + 1}. ${esc(r.name)}</strong><br>${esc(label)}: ${esc(
            formatDuration(r.averageSeconds, lang),
          )}<br>${esc(t.conversations)}: ${formatNumber(r.conversations, lang)}`;
        },
      },
      xAxis: {
        type: 'value',
        interval: step,
        max: Math.max(step, Math.ceil(longest / step) * step),
        axisLabel: { formatter: (v: number) => formatDuration(v, lang) },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: data.rows.map((r, i) => `${i + 1}. ${r.name}`),
        axisTick: { show: false },
      },
      series: [
        {
          type: 'bar',
          name: label,
          color: PALETTE[0],
          barMaxWidth: 22,
          label: {
            show: true,
            position: 'right',
            formatter: (p: { value: number | null }) => formatDuration(p.value, lang),
          },
          data: data.rows.map((r) => r.averageSeconds),
        },
      ],
    };
  }, [data, label, lang, t]);
  return (
    <EChart
      option={option}
      label={`${label}: ${t.chartAlt}`}
      height={Math.max(160, data.rows.length * 34 + 40)}
      testId="leaderboard-chart"
    />
  );
}

// ---------------------------------------------------------------------------------------------
// 5. Agent performance
// ---------------------------------------------------------------------------------------------

type AgentKey = keyof Omit<AgentPerformanceRow, 'agentId'>;

const AGENT_COLUMNS: { key: AgentKey; label: keyof Labels; kind: 'text' | 'count' | 'duration' | 'score' }[] =
  [
    { key: 'agentName', label: 'agent', kind: 'text' },
    { key: 'team', label: 'team', kind: 'text' },
    { key: 'conversationsClosed', label: 'conversationsClosed', kind: 'count' },
    { key: 'messagesSent', label: 'messagesSent', kind: 'count' },
    { key: 'avgFirstResponseSeconds', label: 'avgFirstResponse', kind: 'duration' },
    { key: 'avgResolutionSeconds', label: 'avgResolution', kind: 'duration' },
    { key: 'avgHandleSeconds', label: 'avgHandle', kind: 'duration' },
    { key: 'transfers', label: 'transfers', kind: 'count' },
    { key: 'csat', label: 'csat', kind: 'score' },
  ];

function AgentsReport({ query }: { query: URLSearchParams }) {
  const { t, lang } = useI18n();
  const url = reportUrl('agent-performance', query, {}, lang);
  const answer = useApi<AgentPerformanceResponse>(url);
  const sort = parseSort(
    query.get('sort'),
    AGENT_COLUMNS.map((c) => c.key),
    { key: 'conversationsClosed', dir: 'desc' },
  );
  const cell = (row: AgentPerformanceRow, c: (typeof AGENT_COLUMNS)[number]): ReactNode => {
    const v = row[c.key];
    if (c.kind === 'duration') return formatDuration(v as number | null, lang);
    if (c.kind === 'count') return formatNumber(v as number, lang);
    if (c.kind === 'score') return formatNumber(v as number | null, lang, 2);
    return (v as string | null) ?? '—';
  };
  return (
    <ReportCard
      title={t.reportAgents}
      url={url}
      answer={answer}
      testId="reports-agents"
      note={t.agentsNote}
      isEmpty={(d) => d.rows.length === 0}
      empty={t.reportNoConversations}
      table={(d) => (
        <div className="table-wrap report-table">
          <table className="data-table compact" data-testid="agents-table">
            <thead>
              <tr>
                {AGENT_COLUMNS.map((c) => {
                  const state =
                    sort.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none';
                  // First click: names A→Z, figures largest first.
                  const next =
                    state === 'none'
                      ? c.kind === 'text'
                        ? c.key
                        : `-${c.key}`
                      : state === 'ascending'
                        ? `-${c.key}`
                        : c.key;
                  return (
                    <th
                      scope="col"
                      key={c.key}
                      aria-sort={state}
                      className={c.kind === 'text' ? undefined : 'num'}
                    >
                      <button
                        type="button"
                        className="sort-button"
                        onClick={() => updateQuery({ sort: next })}
                        data-testid={`agent-sort-${c.key}`}
                        title={`${t.sortBy} ${t[c.label]}`}
                      >
                        {t[c.label]}{' '}
                        <span aria-hidden="true" className="sort-arrow">
                          {state === 'ascending' ? '▲' : state === 'descending' ? '▼' : '↕'}
                        </span>
                        {state !== 'none' && (
                          <span className="visually-hidden">({t[state as keyof Labels]})</span>
                        )}
                      </button>
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {sortRows(d.rows, sort.key, sort.dir).map((r) => (
                <tr key={r.agentId} data-testid="agent-row" data-agent-id={r.agentId}>
                  {AGENT_COLUMNS.map((c) =>
                    c.key === 'agentName' ? (
                      <th scope="row" key={c.key}>
                        {r.agentName}
                      </th>
                    ) : (
                      <td key={c.key} className={c.kind === 'text' ? undefined : 'num'}>
                        {cell(r, c)}
                      </td>
                    ),
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    />
  );
}

// ---------------------------------------------------------------------------------------------
// 6. Resolved conversations with anomaly flags
// ---------------------------------------------------------------------------------------------

function ResolvedReport({ query }: { query: URLSearchParams }) {
  const { t, lang } = useI18n();
  const { page, pageSize } = pagingOf(query, 50);
  const anomalies = query.get('anomalies') === 'only' ? 'only' : 'all';
  const url = reportUrl('resolved-conversations', query, { page, pageSize, anomalies }, lang);
  const answer = useApi<ResolvedConversationsResponse>(url);
  const zone = answer.data ? getOrganizationTimeZone() : null;
  const carried = new URLSearchParams({ lang });
  const flagLabel = (f: AnomalyFlag) => t[FLAG_LABEL[f]] ?? f;
  const controls = (
    <label className="check">
      <input
        type="checkbox"
        checked={anomalies === 'only'}
        onChange={(e) => updateQuery({ anomalies: e.target.checked ? 'only' : undefined, page: undefined })}
        data-testid="anomalies-only"
      />
      {t.anomaliesOnly}
    </label>
  );
  return (
    <ReportCard
      title={t.reportResolved}
      url={url}
      answer={answer}
      testId="reports-resolved"
      controls={controls}
      isEmpty={(d) => d.rows.length === 0 && d.total === 0}
      empty={anomalies === 'only' ? t.noAnomalies : t.reportNoConversations}
      note={
        answer.data && (
          <>
            <p className="report-rule" data-testid="anomaly-rule">
              <strong>{t.anomalyRule}:</strong> {answer.data.rule}
            </p>
            {answer.data.thresholds.length > 0 && (
              <details className="table-details">
                <summary>{t.thresholds}</summary>
                <table className="data-table compact thresholds-table">
                  <thead>
                    <tr>
                      <th scope="col">{t.channel}</th>
                      <th scope="col" className="num">
                        {t.thresholdResolution}
                      </th>
                      <th scope="col" className="num">
                        {t.thresholdMessages}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {answer.data.thresholds.map((th) => (
                      <tr key={th.channel}>
                        <th scope="row">{th.channel}</th>
                        <td className="num">{formatDuration(th.resolutionSeconds, lang)}</td>
                        <td className="num">{formatNumber(th.messages, lang)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </details>
            )}
          </>
        )
      }
      table={(d) => (
        <>
          <p className="muted small" data-testid="resolved-total" data-total={d.total}>
            {formatNumber(d.total, lang)} {t.conversations.toLowerCase()}
          </p>
          <div className="table-wrap report-table">
            <table className="data-table compact resolved-table" data-testid="resolved-table">
              <thead>
                <tr>
                  <th scope="col">{t.conversation}</th>
                  <th scope="col">{t.channel}</th>
                  <th scope="col">{t.resolvedAt}</th>
                  <th scope="col" className="num">
                    {t.resolutionTime}
                  </th>
                  <th scope="col" className="num">
                    {t.messagesCount}
                  </th>
                  <th scope="col">{t.resolver}</th>
                  <th scope="col">{t.anomalies}</th>
                  <th scope="col">{t.closingNote}</th>
                  <th scope="col">{t.caseTitle}</th>
                </tr>
              </thead>
              <tbody>
                {d.rows.map((r) => (
                  <tr key={r.conversationId} data-testid="resolved-row" data-flags={r.flags.join(',')}>
                    <td
                      className="mono small"
                      title={`${t.openedAt}: ${formatDateTime(r.openedAt, lang, zone)}`}
                    >
                      {r.conversationId}
                    </td>
                    <td>{r.channel ?? '—'}</td>
                    <td className="nowrap">{formatDateTime(r.resolvedAt, lang, zone)}</td>
                    <td className="num">{formatDuration(r.resolutionSeconds, lang)}</td>
                    <td className="num">{formatNumber(r.messages, lang)}</td>
                    <td>{r.resolver ?? r.assignee ?? '—'}</td>
                    <td>
                      {r.flags.length === 0 ? (
                        <span className="muted">—</span>
                      ) : (
                        <span className="badges">
                          {[...r.flags]
                            .sort((a, b) => ANOMALY_FLAGS.indexOf(a) - ANOMALY_FLAGS.indexOf(b))
                            .map((f) => (
                              <span key={f} className="flag bad" data-testid={`flag-${f}`}>
                                {flagLabel(f)}
                              </span>
                            ))}
                        </span>
                      )}
                    </td>
                    <td className="closing-note">{r.summary || <span className="muted">—</span>}</td>
                    <td>
                      {r.serviceRequest ? (
                        <Link
                          href={withQuery(`/cases/${encodeURIComponent(r.serviceRequest)}`, carried)}
                          className="mono small"
                          data-testid="resolved-case-link"
                        >
                          {r.serviceRequest}
                        </Link>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager page={page} pageSize={pageSize} total={d.total} testId="resolved-pager" />
        </>
      )}
    />
  );
}
