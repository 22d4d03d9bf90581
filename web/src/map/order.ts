import { END, START } from '../api.ts';

interface WeightedEdge {
  from: string;
  to: string;
  count: number;
}

/**
 * Orders the activities the way a reader expects the flow to run, top to bottom, so that frequent paths
 * point downwards and only rare ones (rework, loops) point back up: an approximate minimum-weight
 * feedback arc set. A greedy pass places next the node most fed by the nodes already placed; then each
 * node is moved to the position that minimises the frequency of backward edges, until nothing improves.
 * The start node stays first and the end node last; ELK's model-order cycle breaking follows the result.
 */
export function flowOrder(nodes: string[], edges: WeightedEdge[]): string[] {
  const inner = nodes.filter((n) => n !== START && n !== END);
  const index = new Map(inner.map((n, i) => [n, i]));
  const n = inner.length;
  const outs: [number, number][][] = inner.map(() => []);
  const ins: [number, number][][] = inner.map(() => []);
  const fromStart = new Array<number>(n).fill(0);
  for (const e of edges) {
    const a = index.get(e.from);
    const b = index.get(e.to);
    if (e.from === START && b !== undefined) fromStart[b] = (fromStart[b] ?? 0) + e.count;
    if (a === undefined || b === undefined || a === b) continue;
    outs[a]?.push([b, e.count]);
    ins[b]?.push([a, e.count]);
  }

  // Greedy: repeatedly place the node with the largest (weight in from placed − weight out to placed).
  const placed = new Array<boolean>(n).fill(false);
  const score = fromStart.slice();
  const order: number[] = [];
  for (let step = 0; step < n; step++) {
    let best = -1;
    for (let v = 0; v < n; v++) {
      if (placed[v]) continue;
      if (best < 0 || (score[v] as number) > (score[best] as number)) best = v;
    }
    placed[best] = true;
    order.push(best);
    for (const [w, c] of outs[best] ?? []) if (!placed[w]) score[w] = (score[w] as number) + c;
    for (const [u, c] of ins[best] ?? []) if (!placed[u]) score[u] = (score[u] as number) - c;
  }

  // Local search: move single nodes to their best position while the backward weight decreases.
  for (let pass = 0; pass < 30; pass++) {
    let improved = false;
    for (const v of [...order]) {
      const rest = order.filter((x) => x !== v);
      const pos = new Map(rest.map((x, i) => [x, i]));
      const inAt = new Array<number>(rest.length + 1).fill(0);
      const outAt = new Array<number>(rest.length + 1).fill(0);
      for (const [u, c] of ins[v] ?? []) {
        const i = pos.get(u) as number;
        inAt[i] = (inAt[i] as number) + c;
      }
      for (const [w, c] of outs[v] ?? []) {
        const i = pos.get(w) as number;
        outAt[i] = (outAt[i] as number) + c;
      }
      // cost(p): in-edges from nodes at ≥ p and out-edges to nodes at < p point backwards.
      let suffixIn = inAt.reduce((a, b) => a + b, 0);
      let prefixOut = 0;
      const current = order.indexOf(v);
      // Best position: least backward weight, then the earliest (a node joins the flow as soon as
      // its predecessors allow, instead of trailing after the main path).
      let bestP = current;
      let bestCost = Number.POSITIVE_INFINITY;
      let currentCost = 0;
      for (let p = 0; p <= rest.length; p++) {
        const cost = suffixIn + prefixOut;
        if (p === current) currentCost = cost;
        if (cost < bestCost) {
          bestCost = cost;
          bestP = p;
        }
        suffixIn -= inAt[p] as number;
        prefixOut += outAt[p] as number;
      }
      if (bestCost < currentCost || (bestCost === currentCost && bestP < current)) {
        rest.splice(bestP, 0, v);
        order.splice(0, order.length, ...rest);
        improved = true;
      }
    }
    if (!improved) break;
  }
  const names = order.map((i) => inner[i] as string);
  return [...(nodes.includes(START) ? [START] : []), ...names, ...(nodes.includes(END) ? [END] : [])];
}
