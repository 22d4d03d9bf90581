import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export interface Rejection {
  file: string;
  line?: number;
  index?: number;
  conversationId?: string;
  /** The message id of a rejected message row (caseflow import messages). */
  messageId?: string;
  /** The field that was wrong, when one was (caseflow import conversations / messages). */
  field?: string;
  reason: string;
  /** The rejected record, or the text of a line that was not JSON. */
  record?: unknown;
}

/**
 * Rejected records of one import run, written as NDJSON to <data-dir>/quarantine/<time>-<source>.ndjson
 * (created on the first rejection), each with where it came from and why.
 */
export class Quarantine {
  readonly file: string;
  count = 0;
  /** The first rejections, kept for the import summary. */
  readonly first: Rejection[] = [];

  /** persist false (a dry run): count and keep the first ones, write nothing. */
  constructor(
    dataDir: string,
    source: string,
    now: Date,
    private readonly options: { persist?: boolean } = {},
  ) {
    const stamp = now.toISOString().replace(/[:.]/g, '-');
    this.file = path.join(dataDir, 'quarantine', `${stamp}-${source}.ndjson`);
  }

  reject(rejection: Rejection): void {
    if (this.first.length < 5) this.first.push({ ...rejection, record: undefined });
    this.count += 1;
    if (this.options.persist === false) return;
    if (this.count === 1) mkdirSync(path.dirname(this.file), { recursive: true });
    appendFileSync(this.file, `${JSON.stringify(rejection)}\n`);
  }
}
