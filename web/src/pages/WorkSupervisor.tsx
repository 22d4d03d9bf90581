import { useEffect, useId, useMemo, useState } from 'react';
import { EChart, type EChartsOption } from '../components/EChart.tsx';
import { ApiState, Refreshing } from '../components/Status.tsx';
import { WorkNav } from '../components/WorkNav.tsx';
import { formatDateTime } from '../format.ts';
import { useApi } from '../useApi.ts';
import {
  failureText,
  presenceLabel,
  statusLabel,
  statusTone,
  transition,
  useWorkText,
  type Workbin,
  type WorkItem,
  type WorkOverview,
  workUrl,
} from '../work.ts';

/** How often the overview refreshes itself: queues move while the supervisor looks. */
const REFRESH_MS = 15_000;

/**
 * Supervision (work:item:assign): the queues' depth, oldest waiting item and items at SLA risk (a chart
 * and a table), the agents' load against their capacity, and the open items nearest their due date, each
 * to assign to an agent or move to another queue or workbin.
 */
export default function WorkSupervisor() {
  const { w, lang } = useWorkText();
  const overview = useApi<WorkOverview>(workUrl('/overview'), { cached: false });
  const workbins = useApi<{ items: Workbin[] }>(workUrl('/workbins'), { cached: false });
  const reload = overview.reload;
  useEffect(() => {
    const timer = window.setInterval(reload, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [reload]);

  return (
    <div className="page" data-testid="page-work-supervisor">
      <div className="page-head">
        <h1>{w.navWorkSupervisor}</h1>
        <p className="muted">
          {w.supervisorIntro}
          {overview.data && (
            <>
              {' '}
              {w.asOf} <span data-testid="work-as-of">{formatDateTime(overview.data.asOf, lang)}</span>
            </>
          )}
        </p>
      </div>
      <WorkNav />
      <Refreshing active={overview.loading && !!overview.data} />
      <ApiState data={overview.data} error={overview.error} reload={reload} isEmpty={() => false}>
        {(d) => (
          <>
            <QueuesCard overview={d} />
            <AgentsCard overview={d} />
            <AtRiskCard overview={d} workbins={workbins.data?.items ?? []} onChanged={reload} />
          </>
        )}
      </ApiState>
    </div>
  );
}

function QueuesCard({ overview }: { overview: WorkOverview }) {
  const { w, lang } = useWorkText();
  const option = useMemo<EChartsOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { data: [w.depth, w.atSlaRisk] },
      grid: { left: 40, right: 16, top: 36, bottom: 40, containLabel: true },
      xAxis: {
        type: 'category',
        data: overview.queues.map((q) => q.name),
        axisLabel: { interval: 0, rotate: 20 },
      },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        {
          name: w.depth,
          type: 'bar',
          data: overview.queues.map((q) => q.depth),
          itemStyle: { color: '#1f4e8c' },
        },
        {
          name: w.atSlaRisk,
          type: 'bar',
          data: overview.queues.map((q) => q.atSlaRisk),
          itemStyle: { color: '#b3261e' },
        },
      ],
    }),
    [overview.queues, w],
  );
  return (
    <section className="card table-card" aria-labelledby="work-queues">
      <h2 id="work-queues" className="card-title">
        {w.queues}
      </h2>
      {overview.queues.length > 0 && (
        <EChart option={option} label={w.depthChart} height={240} testId="work-depth-chart" />
      )}
      <div className="table-wrap">
        <table className="data-table" data-testid="work-queues">
          <thead>
            <tr>
              <th scope="col">{w.queue}</th>
              <th scope="col">{w.routing}</th>
              <th scope="col" className="num">
                {w.depth}
              </th>
              <th scope="col">{w.oldest}</th>
              <th scope="col" className="num">
                {w.atSlaRisk}
              </th>
            </tr>
          </thead>
          <tbody>
            {overview.queues.map((q) => (
              <tr key={q.id} data-testid="work-queue-row" data-queue={q.id}>
                <td>
                  {q.name} <span className="mono small muted">{q.id}</span>
                </td>
                <td>{w[`routing_${q.routing}`]}</td>
                <td className="num" data-testid="work-queue-depth">
                  {q.depth}
                </td>
                <td className="nowrap">{formatDateTime(q.oldestQueuedAt, lang)}</td>
                <td className={q.atSlaRisk > 0 ? 'num bad' : 'num'} data-testid="work-queue-risk">
                  {q.atSlaRisk}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function AgentsCard({ overview }: { overview: WorkOverview }) {
  const { w, lang } = useWorkText();
  return (
    <section className="card table-card" aria-labelledby="work-agents">
      <h2 id="work-agents" className="card-title">
        {w.agents}
      </h2>
      {overview.agents.length === 0 ? (
        <p className="muted">{w.noAgents}</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table" data-testid="work-agents">
            <thead>
              <tr>
                <th scope="col">{w.name}</th>
                <th scope="col">{w.presence}</th>
                <th scope="col">{w.load}</th>
                <th scope="col">{w.lastIdle}</th>
              </tr>
            </thead>
            <tbody>
              {overview.agents.map((a) => (
                <tr key={a.id} data-testid="work-agent-row" data-agent={a.id}>
                  <td>
                    {a.name} <span className="mono small muted">{a.id}</span>
                  </td>
                  <td>
                    <span className={`presence-dot presence-${a.presence}`} aria-hidden="true" />{' '}
                    {presenceLabel(w, a.presence)}
                  </td>
                  <td>
                    <span data-testid="work-agent-load">
                      {a.load} / {a.capacity}
                    </span>{' '}
                    <meter
                      className="work-load"
                      min={0}
                      max={Math.max(1, a.capacity)}
                      value={a.load}
                      aria-label={`${w.load} ${a.name}`}
                    />
                  </td>
                  <td className="nowrap">{formatDateTime(a.lastIdleAt, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function AtRiskCard({
  overview,
  workbins,
  onChanged,
}: {
  overview: WorkOverview;
  workbins: Workbin[];
  onChanged: () => void;
}) {
  const { w, lang } = useWorkText();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const now = Date.parse(overview.asOf);

  const run = async (item: WorkItem, command: Parameters<typeof transition>[1], done: string) => {
    setMessage(null);
    try {
      await transition(item.id, command);
      setMessage({ ok: true, text: `${done}: ${item.title}` });
      onChanged();
    } catch (e) {
      setMessage({ ok: false, text: `${item.title}: ${failureText(e, w.conflict)}` });
    }
  };

  return (
    <section className="card table-card" aria-labelledby="work-at-risk">
      <h2 id="work-at-risk" className="card-title">
        {w.atRiskItems}
      </h2>
      {message && (
        <p
          className={message.ok ? 'form-message good' : 'form-message bad'}
          role={message.ok ? 'status' : 'alert'}
          data-testid="work-supervisor-message"
        >
          {message.text}
        </p>
      )}
      {overview.atRisk.length === 0 ? (
        <p className="muted">{w.noAtRisk}</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table" data-testid="work-at-risk">
            <thead>
              <tr>
                <th scope="col">{w.title}</th>
                <th scope="col">{w.status}</th>
                <th scope="col">{w.due}</th>
                <th scope="col">{w.queue}</th>
                <th scope="col">{w.assignee}</th>
                <th scope="col">{w.assignTo}</th>
                <th scope="col">{w.moveTo}</th>
              </tr>
            </thead>
            <tbody>
              {overview.atRisk.map((it) => (
                <tr key={it.id} data-testid="work-risk-row" data-item={it.id}>
                  <td>{it.title}</td>
                  <td>
                    <span className={`status-pill ${statusTone(it.status)}`}>
                      {statusLabel(w, it.status)}
                    </span>
                  </td>
                  <td className="nowrap">
                    {formatDateTime(it.dueAt, lang)}
                    {it.dueAt && Date.parse(it.dueAt) < now && (
                      <strong className="bad"> · {w.overdue}</strong>
                    )}
                  </td>
                  <td className="mono">{it.queueId ?? it.workbinId ?? '—'}</td>
                  <td className="mono">{it.assigneeId ?? '—'}</td>
                  <td>
                    {it.allowedActions.includes('assign') && (
                      <PickAndGo
                        label={w.assignTo}
                        placeholder={w.chooseAgent}
                        options={overview.agents.map((a) => ({
                          value: a.id,
                          label: `${a.name} (${a.load}/${a.capacity})`,
                        }))}
                        go={(agentId) =>
                          run(it, { action: 'assign', agentId, expectedVersion: it.version }, w.assigned)
                        }
                        button={w.action_assign}
                        testId="work-assign"
                      />
                    )}
                  </td>
                  <td>
                    {it.allowedActions.includes('move') && (
                      <PickAndGo
                        label={w.moveTo}
                        placeholder={w.chooseTarget}
                        options={[
                          ...overview.queues.map((q) => ({
                            value: `queue:${q.id}`,
                            label: `${w.queue} · ${q.name}`,
                          })),
                          ...workbins.map((b) => ({
                            value: `workbin:${b.id}`,
                            label: `${w.workbin} · ${b.name}`,
                          })),
                        ]}
                        go={(target) => {
                          const [kind, id] = [
                            target.slice(0, target.indexOf(':')),
                            target.slice(target.indexOf(':') + 1),
                          ];
                          return run(
                            it,
                            {
                              action: 'move',
                              expectedVersion: it.version,
                              ...(kind === 'queue' ? { queueId: id } : { workbinId: id }),
                            },
                            w.moved,
                          );
                        }}
                        button={w.action_move}
                        testId="work-move"
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** A select and a button that acts on the choice (disabled until something is chosen). */
function PickAndGo({
  label,
  placeholder,
  options,
  go,
  button,
  testId,
}: {
  label: string;
  placeholder: string;
  options: { value: string; label: string }[];
  go: (value: string) => Promise<void>;
  button: string;
  testId: string;
}) {
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const id = useId();
  return (
    <span className="pick-and-go">
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <select
        id={id}
        value={value}
        onChange={(e) => setValue(e.target.value)}
        data-testid={`${testId}-select`}
      >
        <option value="">{placeholder}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="button"
        disabled={!value || busy}
        onClick={async () => {
          setBusy(true);
          await go(value);
          setBusy(false);
          setValue('');
        }}
        data-testid={`${testId}-go`}
      >
        {button}
      </button>
    </span>
  );
}
