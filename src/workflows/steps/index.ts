import type { Step } from '../model.ts';
import type { StepContext, StepResult } from './common.ts';
import type { GoogleAuth } from './google-auth.ts';
import { runHttpStep } from './http.ts';
import { runSheetsStep } from './sheets.ts';
import { runWarehouseStep } from './warehouse.ts';

export type { StepContext, StepResult } from './common.ts';
export { GoogleAuth, JWT_BEARER_GRANT, jwtAssertion, SHEETS_SCOPE } from './google-auth.ts';
export { buildHttpRequest, EVENT_ID_HEADER, signatureOf } from './http.ts';
export { DEFAULT_SHEETS_BASE_URL, sheetCell } from './sheets.ts';
export { insertStatement } from './warehouse.ts';

export interface StepServices {
  google: { auth: GoogleAuth; baseUrl: string };
}

/** Runs one step; never throws. */
export async function executeStep(step: Step, ctx: StepContext, services: StepServices): Promise<StepResult> {
  try {
    switch (step.type) {
      case 'http':
        return await runHttpStep(step, ctx);
      case 'sheets':
        return await runSheetsStep(step, ctx, services.google);
      case 'warehouse':
        return await runWarehouseStep(step, ctx);
    }
  } catch (error) {
    return { ok: false, responseCode: null, error: (error as Error).message || String(error), detail: null };
  }
}
