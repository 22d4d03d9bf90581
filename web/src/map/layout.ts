import type { ELK, ElkExtendedEdge, ElkNode, ElkPoint } from 'elkjs/lib/elk-api.js';
import ElkConstructor from 'elkjs/lib/elk-api.js';
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';

/**
 * Lays out the directly-follows graph with ELK's layered algorithm (top to bottom) in a web worker,
 * so that the page stays responsive. The browser only lays out what the API returns.
 */

let elk: ELK | null = null;
function getElk(): ELK {
  elk ??= new ElkConstructor({ workerUrl: elkWorkerUrl });
  return elk;
}

export interface NodeInput {
  id: string;
  width: number;
  height: number;
}

export interface EdgeInput {
  id: string;
  from: string;
  to: string;
}

export interface LaidOutNode {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LaidOutEdge {
  id: string;
  /** SVG path data. */
  d: string;
  /** Arrowhead tip and the direction it points to (unit vector). */
  tip: ElkPoint;
  dir: ElkPoint;
  /** Half-way along the edge: where its label goes. */
  middle: ElkPoint;
}

export interface Layout {
  width: number;
  height: number;
  nodes: Map<string, LaidOutNode>;
  edges: Map<string, LaidOutEdge>;
}

const LAYOUT_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.edgeRouting': 'SPLINES',
  'elk.layered.cycleBreaking.strategy': 'MODEL_ORDER',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.spacing.nodeNode': '40',
  'elk.layered.spacing.nodeNodeBetweenLayers': '44',
  'elk.spacing.edgeNode': '24',
  'elk.spacing.edgeEdge': '14',
  'elk.padding': '[top=24,left=24,bottom=24,right=24]',
};

function splinePath(start: ElkPoint, bends: ElkPoint[], end: ElkPoint): string {
  const pts = [...bends, end];
  const f = (p: ElkPoint) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`;
  if (pts.length % 3 === 0) {
    let d = `M${f(start)}`;
    for (let i = 0; i < pts.length; i += 3)
      d += ` C${f(pts[i] as ElkPoint)} ${f(pts[i + 1] as ElkPoint)} ${f(pts[i + 2] as ElkPoint)}`;
    return d;
  }
  return `M${f(start)} ${pts.map((p) => `L${f(p)}`).join(' ')}`;
}

const cubic = (p0: ElkPoint, p1: ElkPoint, p2: ElkPoint, p3: ElkPoint, t: number): ElkPoint => {
  const u = 1 - t;
  const a = u * u * u;
  const b = 3 * u * u * t;
  const c = 3 * u * t * t;
  const d = t * t * t;
  return { x: a * p0.x + b * p1.x + c * p2.x + d * p3.x, y: a * p0.y + b * p1.y + c * p2.y + d * p3.y };
};

/**
 * The point half-way along an edge (by length). Edge labels are placed there rather than by ELK:
 * ELK's label dummies add layers and make the map much taller.
 */
function halfway(start: ElkPoint, bends: ElkPoint[], end: ElkPoint): ElkPoint {
  const rest = [...bends, end];
  const pts: ElkPoint[] = [start];
  if (rest.length % 3 === 0) {
    let p0 = start;
    for (let i = 0; i < rest.length; i += 3) {
      const [p1, p2, p3] = [rest[i], rest[i + 1], rest[i + 2]] as [ElkPoint, ElkPoint, ElkPoint];
      for (let k = 1; k <= 12; k++) pts.push(cubic(p0, p1, p2, p3, k / 12));
      p0 = p3;
    }
  } else {
    pts.push(...rest);
  }
  const lengths = pts
    .slice(1)
    .map((p, i) => Math.hypot(p.x - (pts[i] as ElkPoint).x, p.y - (pts[i] as ElkPoint).y));
  let remaining = lengths.reduce((a, b) => a + b, 0) / 2;
  for (const [i, l] of lengths.entries()) {
    const a = pts[i] as ElkPoint;
    const b = pts[i + 1] as ElkPoint;
    if (remaining <= l && l > 0)
      return { x: a.x + ((b.x - a.x) * remaining) / l, y: a.y + ((b.y - a.y) * remaining) / l };
    remaining -= l;
  }
  return end;
}

export async function layoutGraph(nodes: NodeInput[], edges: EdgeInput[]): Promise<Layout> {
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: LAYOUT_OPTIONS,
    children: nodes.map((n) => ({ id: n.id, width: n.width, height: n.height })),
    edges: edges.map(
      (e): ElkExtendedEdge => ({
        id: e.id,
        sources: [e.from],
        targets: [e.to],
      }),
    ),
  };
  const result = await getElk().layout(graph);
  const laidNodes = new Map<string, LaidOutNode>();
  for (const c of result.children ?? []) {
    laidNodes.set(c.id, { id: c.id, x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? 0 });
  }
  const laidEdges = new Map<string, LaidOutEdge>();
  for (const e of (result.edges ?? []) as ElkExtendedEdge[]) {
    const section = e.sections?.[0];
    if (!section) continue;
    const bends = section.bendPoints ?? [];
    const end = section.endPoint;
    const before = bends.length ? (bends[bends.length - 1] as ElkPoint) : section.startPoint;
    const dx = end.x - before.x;
    const dy = end.y - before.y;
    const len = Math.hypot(dx, dy) || 1;
    laidEdges.set(e.id, {
      id: e.id,
      d: splinePath(section.startPoint, bends, end),
      tip: end,
      dir: { x: dx / len, y: dy / len },
      middle: halfway(section.startPoint, bends, end),
    });
  }
  return { width: result.width ?? 0, height: result.height ?? 0, nodes: laidNodes, edges: laidEdges };
}

let canvas: CanvasRenderingContext2D | null = null;
/** Width of a text in the map's font, in px. */
export function textWidth(text: string, font: string): number {
  canvas ??= document.createElement('canvas').getContext('2d');
  if (!canvas) return text.length * 7.5;
  canvas.font = font;
  return canvas.measureText(text).width;
}
