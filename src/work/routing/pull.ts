import type { RankedItem } from './types.ts';

/**
 * The order in which work is taken, in a workbin (pull) as in push routing: priority (highest first), then
 * due date (earliest first; items without one after all dated items), then creation (oldest first), then
 * id so that the order is total and the same on every server.
 */
export function compareByUrgency(a: RankedItem, b: RankedItem): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.dueAt !== b.dueAt) {
    if (a.dueAt === null) return 1;
    if (b.dueAt === null) return -1;
    return a.dueAt - b.dueAt;
  }
  if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** A workbin's items in the order agents and supervisors see them (a new array; the input is untouched). */
export function orderWorkbin<T extends RankedItem>(items: readonly T[]): T[] {
  return [...items].sort(compareByUrgency);
}
