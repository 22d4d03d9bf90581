import type { Kysely } from 'kysely';
import type { OperationalSchema } from '../store/index.ts';

/** What the work functions need: the operational database, a clock (tests inject one), the default division. */
export interface WorkContext {
  db: Kysely<OperationalSchema>;
  now: () => Date;
  /** The division of definitions and items that name none (config divisions.default). */
  defaultDivision: string;
}
