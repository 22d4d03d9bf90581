import { type KeyboardEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { buildUrl, END, type MapActivity, type MapEdge, type ProcessMapResponse, START } from '../api.ts';
import { ApiState, Loading, Refreshing } from '../components/Status.tsx';
import { addToList, carriedOf, filterOf } from '../filters.ts';
import { formatDuration, formatNumber } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { type Layout, layoutGraph, textWidth } from '../map/layout.ts';
import { flowOrder } from '../map/order.ts';
import { Link, updateQuery, withQuery } from '../router.tsx';
import { useApi } from '../useApi.ts';

type View = 'frequency' | 'performance';
type Selection = { kind: 'node'; name: string } | { kind: 'edge'; from: string; to: string } | null;

const NODE_FONT = '600 14px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const SUB_FONT = '13px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const LABEL_FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const NODE_H = 50;
const PSEUDO = 36;

const pct = (query: URLSearchParams, key: string) => {
  const v = Number.parseInt(query.get(key) ?? '', 10);
  return Number.isFinite(v) ? Math.min(100, Math.max(0, v)) : 100;
};

/** Linear blend of two #rrggbb colours. */
function mix(a: string, b: string, t: number): string {
  const pa = [1, 3, 5].map((i) => Number.parseInt(a.slice(i, i + 2), 16));
  const pb = [1, 3, 5].map((i) => Number.parseInt(b.slice(i, i + 2), 16));
  const c = pa.map((v, i) => Math.round(v + ((pb[i] as number) - v) * Math.min(1, Math.max(0, t))));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** 0–1 position of a value on a log scale up to max. */
const scale = (v: number, max: number) => (max > 0 && v > 0 ? Math.log1p(v) / Math.log1p(max) : 0);

/** A process map with canonical names in name/from/to and the display names in `labels`. */
interface MapData extends ProcessMapResponse {
  labels: Map<string, string>;
}

/**
 * With `lang=fr` the API translates name/from/to and adds the canonical id/fromId/toId; the map works
 * on canonical names (they go into filters and test ids) and shows the translated ones.
 */
function canonical(data: ProcessMapResponse): MapData {
  const labels = new Map<string, string>();
  const activities = data.activities.map((a) => {
    const name = a.id ?? a.name;
    labels.set(name, a.name);
    return { ...a, name };
  });
  const edges = data.edges.map((e) => {
    const from = e.fromId ?? e.from;
    const to = e.toId ?? e.to;
    if (!labels.has(from)) labels.set(from, e.from);
    if (!labels.has(to)) labels.set(to, e.to);
    return { ...e, from, to };
  });
  return { ...data, activities, edges, labels };
}

const edgeId = (e: MapEdge) => `${e.from}\u0000${e.to}`;

export default function ProcessMap({ query }: { query: URLSearchParams }) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const view: View = query.get('view') === 'performance' ? 'performance' : 'frequency';
  const activities = pct(query, 'activities');
  const paths = pct(query, 'paths');
  const url = buildUrl('/process-map', {
    ...filterOf(query),
    lang,
    activities: activities === 100 ? undefined : activities,
    paths: paths === 100 ? undefined : paths,
  });
  const api = useApi<ProcessMapResponse>(url);
  const { loading, error, reload } = api;
  const data = useMemo(() => (api.data ? canonical(api.data) : undefined), [api.data]);
  const [selection, setSelection] = useState<Selection>(null);

  useEffect(() => {
    if (!data || !selection) return;
    const exists =
      selection.kind === 'node'
        ? selection.name === START ||
          selection.name === END ||
          data.activities.some((a) => a.name === selection.name)
        : data.edges.some((e) => e.from === selection.from && e.to === selection.to);
    if (!exists) setSelection(null);
  }, [data, selection]);

  return (
    <div className="page page-map" data-testid="page-map" aria-busy={loading}>
      <div className="page-head">
        <h1>{t.mapTitle}</h1>
        {data && (
          <p className="muted" data-testid="map-summary">
            {formatNumber(data.cases, lang)} {t.casesTotal} · {formatNumber(data.events, lang)}{' '}
            {t.events.toLowerCase()}
            {data.hidden.activities > 0 &&
              ` · ${formatNumber(data.hidden.activities, lang)} ${t.hiddenActivities}`}
            {data.hidden.edges > 0 && ` · ${formatNumber(data.hidden.edges, lang)} ${t.hiddenPaths}`}
          </p>
        )}
      </div>
      <div className="map-controls">
        <fieldset className="segmented" data-testid="view-toggle">
          <legend className="visually-hidden">{t.viewMode}</legend>
          {(['frequency', 'performance'] as const).map((v) => (
            <button
              key={v}
              type="button"
              aria-pressed={view === v}
              onClick={() => updateQuery({ view: v === 'frequency' ? undefined : v }, { replace: true })}
              data-testid={`view-${v}`}
            >
              {v === 'frequency' ? t.frequency : t.performance}
            </button>
          ))}
        </fieldset>
        <Slider label={t.activitiesPct} param="activities" value={activities} testId="slider-activities" />
        <Slider label={t.pathsPct} param="paths" value={paths} testId="slider-paths" />
        <span className="muted legend-text">
          {view === 'frequency' ? t.legendFrequency : t.legendPerformance}
        </span>
      </div>
      <ApiState
        data={data}
        error={error}
        reload={reload}
        isEmpty={(d) => d.activities.length === 0}
        empty={t.mapEmpty}
      >
        {(data) => (
          <div className="map-layout">
            <Refreshing active={loading} />
            <MapCanvas data={data} view={view} selection={selection} onSelect={setSelection} />
            {selection && (
              <DetailPanel
                data={data}
                selection={selection}
                query={query}
                onClose={() => setSelection(null)}
              />
            )}
          </div>
        )}
      </ApiState>
      <p className="muted small">{t.mapHelp}</p>
    </div>
  );
}

/** A 0–100 slider; the value is sent to the API when the user lets go (or after a pause). */
function Slider({
  label,
  param,
  value,
  testId,
}: {
  label: string;
  param: string;
  value: number;
  testId: string;
}) {
  const [local, setLocal] = useState(value);
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => setLocal(value), [value]);
  const commit = (v: number) => {
    window.clearTimeout(timer.current);
    if (v !== value) updateQuery({ [param]: v === 100 ? undefined : v }, { replace: true });
  };
  const id = `slider-${param}`;
  return (
    <div className="slider">
      <label htmlFor={id}>
        {label} <output htmlFor={id}>{local}</output>
      </label>
      <input
        id={id}
        type="range"
        min={0}
        max={100}
        step={1}
        value={local}
        onChange={(e) => {
          const v = Number(e.target.value);
          setLocal(v);
          window.clearTimeout(timer.current);
          timer.current = window.setTimeout(() => commit(v), 400);
        }}
        onPointerUp={(e) => commit(Number((e.target as HTMLInputElement).value))}
        onKeyUp={(e) => commit(Number((e.target as HTMLInputElement).value))}
        data-testid={testId}
      />
    </div>
  );
}

interface Geometry {
  layout: Layout;
  nodeIds: Map<string, string>;
  edgeIds: Map<string, string>;
}

/**
 * ELK layout of the map. While a new layout is computed the previous geometry stays on screen, but
 * `ready` is false until the geometry is that of the current data.
 */
function useLayout(data: MapData): { geometry: Geometry | null; error: string | null; ready: boolean } {
  const [state, setState] = useState<{
    geometry: Geometry | null;
    error: string | null;
    for: MapData | null;
  }>({
    geometry: null,
    error: null,
    for: null,
  });
  useEffect(() => {
    let cancelled = false;
    const names = new Set(data.activities.map((a) => a.name));
    const pseudo = [
      ...(data.edges.some((e) => e.from === START) ? [START] : []),
      ...(data.edges.some((e) => e.to === END) ? [END] : []),
    ];
    const order = flowOrder([...pseudo, ...names], data.edges);
    const nodeIds = new Map(order.map((name, i) => [name, `n${i}`]));
    const edges = data.edges.filter((e) => nodeIds.has(e.from) && nodeIds.has(e.to));
    const edgeIds = new Map(edges.map((e, i) => [edgeId(e), `e${i}`]));
    const nodes = order.map((name) => {
      if (name === START || name === END)
        return { id: nodeIds.get(name) as string, width: PSEUDO, height: PSEUDO };
      const w = Math.max(
        textWidth(data.labels.get(name) ?? name, NODE_FONT),
        textWidth('0000000 · 00h 00m', SUB_FONT),
      );
      return { id: nodeIds.get(name) as string, width: Math.min(360, Math.max(120, w + 28)), height: NODE_H };
    });
    // Heavier edges first: ELK's model order then favours them when it has a choice.
    const sorted = [...edges].sort((a, b) => b.count - a.count);
    layoutGraph(
      nodes,
      sorted.map((e) => ({
        id: edgeIds.get(edgeId(e)) as string,
        from: nodeIds.get(e.from) as string,
        to: nodeIds.get(e.to) as string,
      })),
    ).then(
      (layout) => {
        if (!cancelled) setState({ geometry: { layout, nodeIds, edgeIds }, error: null, for: data });
      },
      (err: unknown) => {
        if (!cancelled)
          setState({ geometry: null, error: String((err as Error)?.message ?? err), for: data });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [data]);
  return {
    geometry: state.geometry,
    error: state.error,
    ready: state.geometry !== null && state.for === data,
  };
}

interface Transform {
  k: number;
  x: number;
  y: number;
}

function MapCanvas({
  data,
  view,
  selection,
  onSelect,
}: {
  data: MapData;
  view: View;
  selection: Selection;
  onSelect: (s: Selection) => void;
}) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const activity = (name: string) => data.labels.get(name) ?? name;
  const { geometry, error, ready } = useLayout(data);
  const svgRef = useRef<SVGSVGElement>(null);
  const [transform, setTransform] = useState<Transform>({ k: 1, x: 0, y: 0 });
  const drag = useRef<{ x: number; y: number; tx: number; ty: number; moved: boolean } | null>(null);
  const suppressClick = useRef(false);

  const fitToView = useCallback(() => {
    const svg = svgRef.current;
    if (!svg || !geometry) return;
    const { width, height } = svg.getBoundingClientRect();
    const gw = geometry.layout.width || 1;
    const gh = geometry.layout.height || 1;
    const k = Math.min(width / gw, height / gh, 1.25);
    setTransform({ k, x: (width - gw * k) / 2, y: Math.max(0, (height - gh * k) / 2) });
  }, [geometry]);

  useEffect(() => {
    fitToView();
  }, [fitToView]);

  // Keep the centre of the view where it is when the canvas changes size (detail panel, window).
  useEffect(() => {
    const svg = svgRef.current;
    if (!svg) return;
    let last = svg.getBoundingClientRect();
    const observer = new ResizeObserver(() => {
      const now = svg.getBoundingClientRect();
      const dx = (now.width - last.width) / 2;
      const dy = (now.height - last.height) / 2;
      last = now;
      if (dx || dy) setTransform((tr) => ({ ...tr, x: tr.x + dx, y: tr.y + dy }));
    });
    observer.observe(svg);
    return () => observer.disconnect();
  }, []);

  const zoomAt = useCallback((factor: number, cx?: number, cy?: number) => {
    const svg = svgRef.current;
    if (!svg) return;
    const rect = svg.getBoundingClientRect();
    const px = cx ?? rect.width / 2;
    const py = cy ?? rect.height / 2;
    setTransform((tr) => {
      const k = Math.min(4, Math.max(0.1, tr.k * factor));
      const f = k / tr.k;
      return { k, x: px - (px - tr.x) * f, y: py - (py - tr.y) * f };
    });
  }, []);

  useEffect(() => {
    const svg = svgRef.current;
    if (!svg) return;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const rect = svg.getBoundingClientRect();
      zoomAt(Math.exp(-event.deltaY * 0.0015), event.clientX - rect.left, event.clientY - rect.top);
    };
    svg.addEventListener('wheel', onWheel, { passive: false });
    return () => svg.removeEventListener('wheel', onWheel);
  }, [zoomAt]);

  const onKeyDown = (event: KeyboardEvent<SVGSVGElement>) => {
    if (event.target !== event.currentTarget) return;
    const step = 40;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [step, 0],
      ArrowRight: [-step, 0],
      ArrowUp: [0, step],
      ArrowDown: [0, -step],
    };
    const move = moves[event.key];
    if (move) {
      event.preventDefault();
      setTransform((tr) => ({ ...tr, x: tr.x + move[0], y: tr.y + move[1] }));
    } else if (event.key === '+' || event.key === '=') zoomAt(1.2);
    else if (event.key === '-') zoomAt(1 / 1.2);
    else if (event.key === '0') fitToView();
  };

  const stats = useMemo(() => {
    const real = data.edges.filter((e) => e.from !== START && e.to !== END);
    return {
      maxEvents: Math.max(1, ...data.activities.map((a) => a.events)),
      maxCount: Math.max(1, ...data.edges.map((e) => e.count)),
      maxMean: Math.max(1, ...real.map((e) => e.meanSeconds)),
      maxDuration: Math.max(0, ...data.activities.map((a) => a.meanDuration ?? 0)),
    };
  }, [data]);

  if (error)
    return (
      <div className="status status-error" role="alert">
        {error}
      </div>
    );

  const selectedNode = selection?.kind === 'node' ? selection.name : null;
  const selectedEdge = selection?.kind === 'edge' ? `${selection.from}\u0000${selection.to}` : null;
  const activate = (s: Selection) => (event: { key?: string; preventDefault: () => void }) => {
    if (event.key !== undefined && event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault();
    if (event.key === undefined && suppressClick.current) {
      suppressClick.current = false;
      return;
    }
    onSelect(s);
  };

  return (
    <div className="map-canvas">
      <fieldset className="zoom-buttons">
        <legend className="visually-hidden">Zoom</legend>
        <button
          type="button"
          onClick={() => zoomAt(1.25)}
          aria-label={t.zoomIn}
          title={t.zoomIn}
          data-testid="zoom-in"
        >
          +
        </button>
        <button
          type="button"
          onClick={() => zoomAt(1 / 1.25)}
          aria-label={t.zoomOut}
          title={t.zoomOut}
          data-testid="zoom-out"
        >
          −
        </button>
        <button
          type="button"
          onClick={fitToView}
          aria-label={t.zoomFit}
          title={t.zoomFit}
          data-testid="zoom-fit"
        >
          ⤢
        </button>
      </fieldset>
      {!geometry && <Loading label={t.layingOut} testId="map-layout-loading" />}
      <svg
        ref={svgRef}
        className={`map-svg ${drag.current?.moved ? 'dragging' : ''}`}
        role="application"
        aria-label={`${t.mapTitle}. ${t.mapHelp}`}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the canvas takes keyboard panning and zooming
        tabIndex={0}
        data-testid="process-map"
        data-view={view}
        data-ready={ready ? 'true' : 'false'}
        onKeyDown={onKeyDown}
        onPointerDown={(e) => {
          if (e.button !== 0) return;
          drag.current = { x: e.clientX, y: e.clientY, tx: transform.x, ty: transform.y, moved: false };
          suppressClick.current = false;
        }}
        onPointerMove={(e) => {
          const d = drag.current;
          if (!d) return;
          const dx = e.clientX - d.x;
          const dy = e.clientY - d.y;
          if (!d.moved && Math.hypot(dx, dy) < 4) return;
          if (!d.moved) {
            d.moved = true;
            (e.currentTarget as SVGSVGElement).setPointerCapture(e.pointerId);
          }
          setTransform((tr) => ({ ...tr, x: d.tx + dx, y: d.ty + dy }));
        }}
        onPointerUp={() => {
          suppressClick.current = !!drag.current?.moved;
          drag.current = null;
        }}
        onPointerCancel={() => {
          drag.current = null;
        }}
        onClick={(e) => {
          if (e.target === e.currentTarget && !suppressClick.current) onSelect(null);
        }}
      >
        <title>{t.mapTitle}</title>
        {geometry && (
          <g transform={`translate(${transform.x},${transform.y}) scale(${transform.k})`}>
            {data.edges.map((edge) => {
              const id = geometry.edgeIds.get(edgeId(edge));
              const laid = id ? geometry.layout.edges.get(id) : undefined;
              if (!laid) return null;
              const pseudo = edge.from === START || edge.to === END;
              const perf = view === 'performance';
              const s =
                perf && !pseudo ? scale(edge.meanSeconds, stats.maxMean) : scale(edge.count, stats.maxCount);
              const color = pseudo
                ? '#8a94a3'
                : perf
                  ? mix('#e9b872', '#b3261e', s)
                  : mix('#a9b8c9', '#1c3a63', s);
              const width = 1 + s * 7;
              const selected = selectedEdge === edgeId(edge);
              const head = 6 + width * 0.8;
              const { tip, dir } = laid;
              const base = { x: tip.x - dir.x * head, y: tip.y - dir.y * head };
              const normal = { x: -dir.y * head * 0.55, y: dir.x * head * 0.55 };
              const labelText = perf
                ? formatDuration(edge.meanSeconds, lang)
                : formatNumber(edge.count, lang);
              const labelWidth = textWidth(labelText, LABEL_FONT) + 8;
              const name = `${edge.from === START ? t.startNode : activity(edge.from)} → ${
                edge.to === END ? t.endNode : activity(edge.to)
              }`;
              return (
                // biome-ignore lint/a11y/useSemanticElements: an SVG group cannot be a <button>
                <g
                  key={edgeId(edge)}
                  className={`map-edge ${selected ? 'selected' : ''} ${pseudo ? 'pseudo' : ''}`}
                  role="button"
                  tabIndex={0}
                  aria-label={`${t.path} ${name}: ${labelText}`}
                  aria-pressed={selected}
                  data-testid={`edge-${edge.from}-${edge.to}`}
                  data-count={edge.count}
                  data-mean={edge.meanSeconds}
                  onClick={activate({ kind: 'edge', from: edge.from, to: edge.to })}
                  onKeyDown={activate({ kind: 'edge', from: edge.from, to: edge.to })}
                >
                  <path d={laid.d} className="edge-hit" />
                  <path
                    d={laid.d}
                    fill="none"
                    stroke={selected ? '#d97706' : color}
                    strokeWidth={width}
                    strokeDasharray={pseudo ? '4 4' : undefined}
                    strokeLinecap="round"
                  />
                  <polygon
                    points={`${tip.x},${tip.y} ${base.x + normal.x},${base.y + normal.y} ${base.x - normal.x},${base.y - normal.y}`}
                    fill={selected ? '#d97706' : color}
                  />
                  {!(pseudo && perf) && (
                    <>
                      <rect
                        className="edge-label-bg"
                        x={laid.middle.x - labelWidth / 2}
                        y={laid.middle.y - 8}
                        width={labelWidth}
                        height={16}
                        rx={4}
                      />
                      <text
                        x={laid.middle.x}
                        y={laid.middle.y}
                        className="edge-label"
                        textAnchor="middle"
                        dominantBaseline="central"
                      >
                        {labelText}
                      </text>
                    </>
                  )}
                </g>
              );
            })}
            {[...geometry.nodeIds].map(([name, id]) => {
              const laid = geometry.layout.nodes.get(id);
              if (!laid) return null;
              if (name === START || name === END) {
                const count = data.edges
                  .filter((e) => (name === START ? e.from === START : e.to === END))
                  .reduce((sum, e) => sum + e.count, 0);
                const label = name === START ? t.startNode : t.endNode;
                const selected = selectedNode === name;
                return (
                  // biome-ignore lint/a11y/useSemanticElements: an SVG group cannot be a <button>
                  <g
                    key={name}
                    className={`map-node pseudo ${selected ? 'selected' : ''}`}
                    role="button"
                    tabIndex={0}
                    aria-label={`${label}: ${formatNumber(count, lang)} ${t.casesTotal}`}
                    aria-pressed={selected}
                    data-testid={`node-${name}`}
                    data-cases={count}
                    transform={`translate(${laid.x},${laid.y})`}
                    onClick={activate({ kind: 'node', name })}
                    onKeyDown={activate({ kind: 'node', name })}
                  >
                    <circle
                      cx={PSEUDO / 2}
                      cy={PSEUDO / 2}
                      r={PSEUDO / 2 - 1}
                      fill={name === START ? '#1d7a46' : '#4b5563'}
                      stroke={selected ? '#d97706' : '#fff'}
                      strokeWidth={selected ? 3 : 1.5}
                    />
                    <text
                      x={PSEUDO / 2}
                      y={PSEUDO / 2}
                      textAnchor="middle"
                      dominantBaseline="central"
                      fill="#fff"
                    >
                      {name === START ? '▶' : '■'}
                    </text>
                    <title>{label}</title>
                  </g>
                );
              }
              const a = data.activities.find((x) => x.name === name) as MapActivity;
              const perf = view === 'performance';
              const s = perf
                ? stats.maxDuration > 0
                  ? scale(a.meanDuration ?? 0, stats.maxDuration)
                  : 0
                : scale(a.events, stats.maxEvents);
              const fill = perf ? mix('#fbeede', '#9f2a1b', s) : mix('#e3edf8', '#1f4e8c', s);
              const dark = s > 0.55;
              const selected = selectedNode === name;
              const sub = perf
                ? a.meanDuration
                  ? formatDuration(a.meanDuration, lang)
                  : t.instant
                : formatNumber(a.events, lang);
              return (
                // biome-ignore lint/a11y/useSemanticElements: an SVG group cannot be a <button>
                <g
                  key={a.name}
                  className={`map-node ${selected ? 'selected' : ''}`}
                  role="button"
                  tabIndex={0}
                  aria-label={`${t.activity} ${activity(name)}: ${sub}`}
                  aria-pressed={selected}
                  data-testid={`node-${name}`}
                  data-events={a.events}
                  data-cases={a.cases}
                  transform={`translate(${laid.x},${laid.y})`}
                  onClick={activate({ kind: 'node', name })}
                  onKeyDown={activate({ kind: 'node', name })}
                >
                  <rect
                    width={laid.width}
                    height={laid.height}
                    rx={8}
                    fill={fill}
                    stroke={selected ? '#d97706' : dark ? fill : '#8aa4c4'}
                    strokeWidth={selected ? 3 : 1}
                  />
                  <text
                    x={laid.width / 2}
                    y={20}
                    textAnchor="middle"
                    className="node-name"
                    fill={dark ? '#ffffff' : '#14243a'}
                  >
                    {activity(name)}
                  </text>
                  <text
                    x={laid.width / 2}
                    y={38}
                    textAnchor="middle"
                    className="node-figure"
                    fill={dark ? '#e8eef6' : '#33465e'}
                  >
                    {sub}
                  </text>
                </g>
              );
            })}
          </g>
        )}
      </svg>
    </div>
  );
}

function DetailPanel({
  data,
  selection,
  query,
  onClose,
}: {
  data: MapData;
  selection: NonNullable<Selection>;
  query: URLSearchParams;
  onClose: () => void;
}) {
  const { t, lang } = useI18n();
  const activity = (name: string) => data.labels.get(name) ?? name;
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    closeRef.current?.focus();
  }, []);
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const carried = carriedOf(query);
  const casesLink = (param: 'activity' | 'follows', value: string) => {
    const q = new URLSearchParams(carried);
    q.set(param, addToList(q.get(param), value));
    return withQuery('/cases', q);
  };
  const dur = (s: number | null) => formatDuration(s, lang);
  const num = (n: number) => formatNumber(n, lang);

  let title: string;
  let rows: [string, string][];
  let link: string | null = null;
  let projectedNote = false;
  let testId: string;
  if (selection.kind === 'node') {
    testId = `panel-node-${selection.name}`;
    if (selection.name === START || selection.name === END) {
      const edges = data.edges.filter((e) => (selection.name === START ? e.from === START : e.to === END));
      title = selection.name === START ? t.startNode : t.endNode;
      rows = [[t.cases, num(edges.reduce((s, e) => s + e.count, 0))]];
      link = withQuery('/cases', carried);
    } else {
      const a = data.activities.find((x) => x.name === selection.name);
      if (!a) return null;
      title = activity(a.name);
      rows = [
        [t.events, num(a.events)],
        [t.cases, num(a.cases)],
        [t.meanDuration, dur(a.meanDuration)],
        [t.medianDuration, dur(a.medianDuration)],
        [t.startsHere, num(a.start)],
        [t.endsHere, num(a.end)],
      ];
      link = casesLink('activity', a.name);
    }
  } else {
    const e = data.edges.find((x) => x.from === selection.from && x.to === selection.to);
    if (!e) return null;
    testId = `panel-edge-${e.from}-${e.to}`;
    title = `${e.from === START ? t.startNode : activity(e.from)} → ${e.to === END ? t.endNode : activity(e.to)}`;
    rows = [
      [t.occurrences, num(e.count)],
      [t.cases, num(e.cases)],
    ];
    if (e.from !== START && e.to !== END) {
      rows.push(
        [t.meanTime, dur(e.meanSeconds)],
        [t.medianTime, dur(e.medianSeconds)],
        [t.p90Time, dur(e.p90Seconds)],
        [t.maxTime, dur(e.maxSeconds)],
      );
      // With hidden activities the path is drawn over shortened traces: "X directly followed by Y" on the
      // full log is another set of cases, so no link is offered then.
      link = pct(query, 'activities') < 100 ? null : casesLink('follows', `${e.from}>${e.to}`);
      if (link === null) projectedNote = true;
    }
  }

  return (
    <aside className="detail-panel" aria-label={title} data-testid="detail-panel">
      <div className="panel-head">
        <div>
          <span className="eyebrow">{selection.kind === 'node' ? t.activity : t.path}</span>
          <h2 data-testid={testId}>{title}</h2>
        </div>
        <button type="button" ref={closeRef} className="icon-button" onClick={onClose} aria-label={t.close}>
          ×
        </button>
      </div>
      <dl className="figures">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      {link && (
        <Link href={link} className="button primary" data-testid="panel-cases-link">
          {t.showCases} →
        </Link>
      )}
      {projectedNote && (
        <p className="muted small" data-testid="panel-projected-note">
          {t.projectedPath}
        </p>
      )}
    </aside>
  );
}
