import { createHmac } from 'node:crypto';
import { VERSION } from '../../server/version.ts';
import type { HttpStep } from '../model.ts';
import { renderJson, renderText, renderUrl } from '../template.ts';
import { deadline, errorText, failure, readExcerpt, type StepContext, type StepResult } from './common.ts';

/**
 * "HTTP request" step: the method, URL, headers and JSON body of the step, the variables filled in; a 2xx
 * answer is a success, anything else (another status, a network error, the timeout) a failure retried by
 * the dispatcher. Every request carries `X-Caseflow-Event-Id` (the run key, the same on each retry: a
 * receiver drops duplicates with it) and, when the step has a signature, `X-Caseflow-Signature:
 * sha256=<hex>`: the HMAC-SHA256 of the exact body bytes with the secret read from the environment variable
 * the step names.
 */

export const EVENT_ID_HEADER = 'X-Caseflow-Event-Id';

/** `sha256=<hex>`: what the signature header holds for a body and secret. */
export function signatureOf(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** The request a step makes (also what `test` shows): nothing is sent. */
export function buildHttpRequest(
  step: HttpStep,
  ctx: Pick<StepContext, 'variables' | 'env'>,
): { url: string; method: string; headers: Record<string, string>; body: string | undefined } {
  const vars = ctx.variables;
  const body =
    step.method === 'GET'
      ? undefined
      : step.body === undefined
        ? JSON.stringify(vars)
        : renderJson(step.body, vars);
  const headers: Record<string, string> = {
    'User-Agent': `Caseflow/${VERSION}`,
    [EVENT_ID_HEADER]: String(vars.eventId ?? ''),
  };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  for (const [name, template] of Object.entries(step.headers)) {
    headers[name] = renderText(template, vars).replace(/[\r\n]+/g, ' ');
  }
  if (step.signature) {
    const secret = ctx.env[step.signature.secretEnv];
    if (!secret) {
      throw new Error(`the signature secret's environment variable ${step.signature.secretEnv} is not set`);
    }
    headers[step.signature.header] = signatureOf(body ?? '', secret);
  }
  return { url: renderUrl(step.url, vars), method: step.method, headers, body };
}

export async function runHttpStep(step: HttpStep, ctx: StepContext): Promise<StepResult> {
  let request: ReturnType<typeof buildHttpRequest>;
  try {
    request = buildHttpRequest(step, ctx);
  } catch (error) {
    return failure((error as Error).message);
  }
  const limit = deadline(ctx.signal, step.timeoutMs);
  let response: Response;
  try {
    response = await ctx.fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: limit.signal,
      redirect: 'manual',
    });
  } catch (error) {
    return failure(errorText(error, limit.timedOut(), step.timeoutMs, ctx.signal));
  }
  let excerpt = '';
  try {
    excerpt = await readExcerpt(response);
  } catch (error) {
    if (limit.timedOut() || ctx.signal.aborted) {
      return failure(errorText(error, limit.timedOut(), step.timeoutMs, ctx.signal), response.status);
    }
  }
  if (response.status >= 200 && response.status < 300) {
    return { ok: true, responseCode: response.status, error: null, detail: excerpt || null };
  }
  return failure(`HTTP ${response.status}${excerpt ? `: ${excerpt}` : ''}`, response.status, excerpt || null);
}
