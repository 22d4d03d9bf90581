import { describe, expect, it } from 'vitest';
import { flowOrder } from '../src/map/order.ts';

const S = '__start__';
const E = '__end__';

describe('flowOrder', () => {
  it('follows the main path and puts a detour where it belongs', () => {
    const edges = [
      { from: S, to: 'A', count: 100 },
      { from: 'A', to: 'B', count: 70 },
      { from: 'A', to: 'H', count: 30 },
      { from: 'H', to: 'R', count: 40 },
      { from: 'R', to: 'H', count: 10 },
      { from: 'R', to: 'B', count: 30 },
      { from: 'B', to: 'C', count: 100 },
      { from: 'C', to: E, count: 100 },
    ];
    expect(flowOrder([S, 'C', 'B', 'R', 'H', 'A', E], edges)).toEqual([S, 'A', 'H', 'R', 'B', 'C', E]);
  });
  it('keeps start first and end last, and every node once', () => {
    const edges = [
      { from: 'X', to: 'Y', count: 5 },
      { from: 'Y', to: 'X', count: 6 },
      { from: 'Z', to: 'Z', count: 3 },
    ];
    const order = flowOrder([E, 'X', 'Y', 'Z', S], edges);
    expect(order[0]).toBe(S);
    expect(order.at(-1)).toBe(E);
    expect([...order].sort()).toEqual([S, E, 'X', 'Y', 'Z'].sort());
  });
});
