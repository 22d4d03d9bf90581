import { useEffect, useId, useState } from 'react';
import { sendJson } from '../api.ts';
import { ApiState, ListCard, Refreshing } from '../components/Status.tsx';
import { WorkItemPanel } from '../components/WorkItemPanel.tsx';
import { WorkNav } from '../components/WorkNav.tsx';
import { WorkOffer } from '../components/WorkOffer.tsx';
import { formatDateTime } from '../format.ts';
import { Link } from '../router.tsx';
import { useApi } from '../useApi.ts';
import {
  type Agent,
  type BlendedEntry,
  caseHref,
  customerHref,
  customerSearchHref,
  failureText,
  type ItemsPage,
  type MeAgent,
  type Offer,
  PRESENCES,
  type Presence,
  presenceLabel,
  statusLabel,
  statusTone,
  transition,
  useWorkText,
  type Workbin,
  type WorkItem,
  workUrl,
} from '../work.ts';

/**
 * My tasks (work:item:view; acting on items work:item:edit): the agent linked to the signed-in user, their
 * presence, offers pushed to them (EventSource /work/me/stream), their open items blended with their
 * recent interactions, one item to work on, and the workbins to pull work from.
 */
export default function WorkAgent() {
  const { w } = useWorkText();
  const me = useApi<MeAgent>(workUrl('/me'), { cached: false });
  const agent = me.data?.agent ?? null;

  return (
    <div className="page" data-testid="page-work-agent">
      <div className="page-head">
        <h1>{w.navWorkAgent}</h1>
        <p className="muted">{w.agentIntro}</p>
      </div>
      <WorkNav />
      <ApiState
        data={me.data}
        error={me.error}
        reload={me.reload}
        isEmpty={(d) => d.agent === null}
        empty={w.notAnAgent}
      >
        {() => agent && <AgentDesk agent={agent} onAgentChanged={me.reload} />}
      </ApiState>
    </div>
  );
}

type Live = 'connecting' | 'open' | 'closed';

/** The agent's live notifications: offers, and a signal whenever one of their items changes. */
function useWorkStream(onOffer: (offer: Offer) => void, onItem: () => void): Live {
  const [live, setLive] = useState<Live>('connecting');
  useEffect(() => {
    const source = new EventSource(workUrl('/me/stream'));
    source.onopen = () => setLive('open');
    // EventSource reconnects by itself; meanwhile the page says so.
    source.onerror = () => setLive('closed');
    source.addEventListener('offer', (e) => onOffer(JSON.parse((e as MessageEvent<string>).data) as Offer));
    source.addEventListener('item', () => onItem());
    return () => source.close();
  }, [onOffer, onItem]);
  return live;
}

function AgentDesk({ agent, onAgentChanged }: { agent: Agent; onAgentChanged: () => void }) {
  const { w } = useWorkText();
  const list = useApi<{ items: BlendedEntry[] }>(workUrl('/me/list'), { cached: false });
  const [offers, setOffers] = useState<Offer[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [offerBusy, setOfferBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [tick, setTick] = useState(0);
  const reloadList = list.reload;

  // Stable callbacks: the stream is opened once per agent.
  const [handlers] = useState(() => ({
    offer: (offer: Offer) => setOffers((all) => [...all.filter((o) => o.itemId !== offer.itemId), offer]),
    item: () => setTick((n) => n + 1),
  }));
  const live = useWorkStream(handlers.offer, handlers.item);
  useEffect(() => {
    if (tick > 0) reloadList();
  }, [tick, reloadList]);

  const answer = async (item: WorkItem, action: 'start' | 'decline') => {
    setOfferBusy(true);
    setMessage(null);
    try {
      await transition(item.id, { action, expectedVersion: item.version });
      setOffers((all) => all.filter((o) => o.itemId !== item.id));
      if (action === 'start') setSelected(item.id);
      reloadList();
    } catch (e) {
      setMessage({ ok: false, text: failureText(e, w.conflict) });
    }
    setOfferBusy(false);
  };

  return (
    <>
      <div className="work-agent-bar">
        <PresenceSwitch agent={agent} onChanged={onAgentChanged} />
        <p className="muted small" data-testid="work-live" data-state={live}>
          {w.live}: {live === 'open' ? w.liveOn : w.liveOff}
        </p>
      </div>
      <div aria-live="polite">
        {offers.map((o) => (
          <WorkOffer
            key={o.itemId}
            offer={o}
            busy={offerBusy}
            onAccept={(item) => answer(item, 'start')}
            onDecline={(item) => answer(item, 'decline')}
            onDismiss={() => setOffers((all) => all.filter((x) => x.itemId !== o.itemId))}
          />
        ))}
      </div>
      {message && (
        <p
          className={message.ok ? 'form-message good' : 'form-message bad'}
          role="alert"
          data-testid="work-agent-message"
        >
          {message.text}
        </p>
      )}
      <div className="work-columns">
        <ListCard id="work-blended" title={w.blendedList} answer={list} empty={w.noWork}>
          {(d) => <BlendedList entries={d.items} selected={selected} onOpen={setSelected} />}
        </ListCard>
        {selected && (
          <WorkItemPanel
            key={selected}
            itemId={selected}
            onChanged={reloadList}
            onClose={() => setSelected(null)}
          />
        )}
      </div>
      <PullFromWorkbin
        onClaimed={(id) => {
          setSelected(id);
          reloadList();
        }}
      />
    </>
  );
}

function PresenceSwitch({ agent, onChanged }: { agent: Agent; onChanged: () => void }) {
  const { w } = useWorkText();
  const [error, setError] = useState<string | null>(null);
  const set = async (presence: Presence) => {
    setError(null);
    try {
      await sendJson('PUT', workUrl(`/agents/${encodeURIComponent(agent.id)}/presence`), { presence });
      onChanged();
    } catch (e) {
      setError(failureText(e, w.conflict));
    }
  };
  return (
    <fieldset className="presence-switch" data-testid="work-presence" data-presence={agent.presence}>
      <legend>
        {w.myPresence} · <strong>{agent.name}</strong>
      </legend>
      {PRESENCES.map((p) => (
        <button
          key={p}
          type="button"
          aria-pressed={agent.presence === p}
          className={`presence-button presence-${p}`}
          onClick={() => set(p)}
          data-testid={`presence-${p}`}
        >
          {presenceLabel(w, p)}
        </button>
      ))}
      {error && (
        <span className="form-message bad" role="alert">
          {error}
        </span>
      )}
    </fieldset>
  );
}

function BlendedList({
  entries,
  selected,
  onOpen,
}: {
  entries: BlendedEntry[];
  selected: string | null;
  onOpen: (id: string) => void;
}) {
  const { w, lang } = useWorkText();
  return (
    <div className="table-wrap">
      <table className="data-table" data-testid="work-blended">
        <thead>
          <tr>
            <th scope="col">{w.type}</th>
            <th scope="col">{w.title}</th>
            <th scope="col">{w.status}</th>
            <th scope="col">{w.due}</th>
            <th scope="col">{w.customer}</th>
            <th scope="col">{w.case}</th>
            <th scope="col">{w.actions}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) =>
            e.kind === 'workItem' ? (
              <tr
                key={`item-${e.item.id}`}
                className={selected === e.item.id ? 'selected' : undefined}
                data-testid="work-row"
                data-item={e.item.id}
                data-status={e.item.status}
              >
                <td>{w.workItem}</td>
                <td>{e.item.title}</td>
                <td>
                  <span className={`status-pill ${statusTone(e.item.status)}`}>
                    {statusLabel(w, e.item.status)}
                  </span>
                </td>
                <td className="nowrap">{formatDateTime(e.item.dueAt, lang)}</td>
                <td>
                  {e.item.customer ? (
                    <Link href={customerSearchHref(e.item.customer)}>{e.item.customer}</Link>
                  ) : (
                    '—'
                  )}
                </td>
                <td>
                  {e.item.serviceRequest ? (
                    <Link href={caseHref(e.item.serviceRequest)}>{e.item.serviceRequest}</Link>
                  ) : (
                    '—'
                  )}
                </td>
                <td>
                  <button
                    type="button"
                    className="button"
                    onClick={() => onOpen(e.item.id)}
                    data-testid="work-open"
                  >
                    {w.openItem}
                  </button>
                </td>
              </tr>
            ) : (
              <tr key={`conv-${e.conversationId}`} data-testid="interaction-row">
                <td>{w.interaction}</td>
                <td>
                  {e.channel} <span className="mono small muted">{e.conversationId}</span>
                </td>
                <td>—</td>
                <td className="nowrap">{formatDateTime(e.startedAt, lang)}</td>
                <td>{e.customerId ? <Link href={customerHref(e.customerId)}>{e.customerId}</Link> : '—'}</td>
                <td>
                  {e.serviceRequest ? <Link href={caseHref(e.serviceRequest)}>{e.serviceRequest}</Link> : '—'}
                </td>
                <td />
              </tr>
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}

/** Pull: the queued items of a workbin, highest priority first; claiming one makes it the agent's. */
function PullFromWorkbin({ onClaimed }: { onClaimed: (id: string) => void }) {
  const { w, lang } = useWorkText();
  const workbins = useApi<{ items: Workbin[] }>(workUrl('/workbins'), { cached: false });
  const [chosen, setChosen] = useState('');
  const workbinId = chosen || workbins.data?.items[0]?.id || '';
  const items = useApi<ItemsPage>(
    workbinId ? workUrl('/items', { workbinId, status: 'queued', order: 'priority' }) : null,
    { cached: false },
  );
  const [error, setError] = useState<string | null>(null);
  const selectId = useId();

  const claim = async (item: WorkItem) => {
    setError(null);
    try {
      await transition(item.id, { action: 'claim', expectedVersion: item.version });
      items.reload();
      onClaimed(item.id);
    } catch (e) {
      setError(failureText(e, w.conflict));
      items.reload();
    }
  };

  if (workbins.data && workbins.data.items.length === 0) return null;
  return (
    <section className="card table-card" aria-labelledby="work-pull">
      <Refreshing active={items.loading && !!items.data} />
      <h2 id="work-pull" className="card-title">
        {w.pullFrom}
      </h2>
      <div className="field">
        <label htmlFor={selectId}>{w.pickWorkbin}</label>
        <select
          id={selectId}
          value={workbinId}
          onChange={(e) => setChosen(e.target.value)}
          data-testid="work-workbin"
        >
          {(workbins.data?.items ?? []).map((b) => (
            <option key={b.id} value={b.id}>
              {b.name} ({b.id})
            </option>
          ))}
        </select>
      </div>
      {error && (
        <p className="form-message bad" role="alert" data-testid="work-claim-error">
          {error}
        </p>
      )}
      <ApiState
        data={items.data}
        error={items.error ?? workbins.error}
        reload={items.reload}
        isEmpty={(d) => d.items.length === 0}
        empty={w.noQueued}
      >
        {(d) => (
          <div className="table-wrap">
            <table className="data-table" data-testid="work-pull-table">
              <thead>
                <tr>
                  <th scope="col">{w.title}</th>
                  <th scope="col">{w.priority}</th>
                  <th scope="col">{w.due}</th>
                  <th scope="col">{w.actions}</th>
                </tr>
              </thead>
              <tbody>
                {d.items.map((it) => (
                  <tr key={it.id} data-testid="work-pull-row" data-item={it.id}>
                    <td>{it.title}</td>
                    <td>{it.priority}</td>
                    <td className="nowrap">{formatDateTime(it.dueAt, lang)}</td>
                    <td>
                      <button
                        type="button"
                        className="button primary"
                        onClick={() => claim(it)}
                        data-testid="work-claim"
                      >
                        {w.claim}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </ApiState>
    </section>
  );
}
