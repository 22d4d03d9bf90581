import type { SheetsStep } from '../model.ts';
import { renderText, renderValue } from '../template.ts';
import type { VariableValue } from '../variables.ts';
import { deadline, errorText, failure, readExcerpt, type StepContext, type StepResult } from './common.ts';
import type { GoogleAuth } from './google-auth.ts';

/**
 * "Append a spreadsheet row" step: one row appended to a Google Sheets table through the Sheets API
 * (`POST {sheetsBaseUrl}/v4/spreadsheets/{id}/values/{range}:append?valueInputOption=RAW`, body
 * `{"values": [[…]]}`), authorized by the service account's token (google-auth.ts). Each cell is a
 * template; a cell that is exactly one placeholder keeps the value's type (numbers stay numbers).
 *
 * RAW stores every value as it is: a text starting with `=` is not run as a formula in the sheet. A
 * sheet is still often downloaded as CSV or Excel, where such a text would run; so, as in Caseflow's CSV
 * files, text starting with = + - @ (or a tab or carriage return) gets a leading apostrophe. Under RAW the
 * apostrophe is part of the stored text and shows in the cell (`'=HYPERLINK(…)`). Numbers are written as
 * numbers (a negative number stays a number).
 */

export const DEFAULT_SHEETS_BASE_URL = 'https://sheets.googleapis.com';

const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell value as appended: text that would start a formula gets a leading apostrophe; null is empty. */
export function sheetCell(value: VariableValue): string | number {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  return FORMULA_START.test(value) ? `'${value}` : value;
}

export function sheetRow(step: SheetsStep, ctx: Pick<StepContext, 'variables'>): (string | number)[] {
  return step.values.map((template) => sheetCell(renderValue(template, ctx.variables)));
}

export function appendUrl(baseUrl: string, step: SheetsStep, ctx: Pick<StepContext, 'variables'>): string {
  const range = renderText(step.range, ctx.variables);
  return `${baseUrl.replace(/\/+$/, '')}/v4/spreadsheets/${encodeURIComponent(step.spreadsheetId)}/values/${encodeURIComponent(range)}:append?valueInputOption=RAW`;
}

export async function runSheetsStep(
  step: SheetsStep,
  ctx: StepContext,
  google: { auth: GoogleAuth; baseUrl: string },
): Promise<StepResult> {
  let url: string;
  let row: (string | number)[];
  let token: string;
  try {
    url = appendUrl(google.baseUrl, step, ctx);
    row = sheetRow(step, ctx);
    token = await google.auth.token(ctx.signal, step.timeoutMs);
  } catch (error) {
    return failure((error as Error).message);
  }
  const limit = deadline(ctx.signal, step.timeoutMs);
  let response: Response;
  try {
    response = await ctx.fetch(url, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ values: [row] }),
      signal: limit.signal,
    });
  } catch (error) {
    return failure(errorText(error, limit.timedOut(), step.timeoutMs, ctx.signal));
  }
  const excerpt = await readExcerpt(response).catch(() => '');
  if (response.status === 401) google.auth.invalidate();
  if (response.ok) {
    let detail = 'row appended';
    try {
      const updated = (JSON.parse(excerpt) as { updates?: { updatedRange?: string } }).updates?.updatedRange;
      if (updated) detail = `row appended at ${updated}`;
    } catch {
      // the answer is cut or not JSON: the status is what counts
    }
    return { ok: true, responseCode: response.status, error: null, detail };
  }
  return failure(`HTTP ${response.status}${excerpt ? `: ${excerpt}` : ''}`, response.status, excerpt || null);
}
