/**
 * Shared by the browser tests: the real server (`bin/caseflow.js`) spawned on a free port, and headless
 * Chromium driven by playwright-core.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { tempDir } from './support.ts';

const BIN = path.resolve(import.meta.dirname, '../bin/caseflow.js');
export const CHROMIUM = process.env.CASEFLOW_CHROMIUM ?? '/usr/bin/chromium';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(base: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${log()}`);
    try {
      const res = await fetch(`${base}/api/v1/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server did not answer within 120 s:\n${log()}`);
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:41234 */
  base: string;
  child: ChildProcess;
  /** Everything the server wrote to stdout and stderr so far. */
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * `caseflow serve --demo` (what `npm start` runs) on a fresh, empty data directory and a free port;
 * resolves once `/api/v1/health` answers.
 */
export function startDemoServer(): Promise<RunningServer> {
  return startServer(['serve', '--demo']);
}

/** `caseflow <args>` (a serve command) on a fresh data directory and a free port, with extra environment. */
export async function startServer(args: string[], env: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [BIN, ...args], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      CASEFLOW_DATA_DIR: tempDir(),
      // As `npm start`: NODE_ENV=production refuses dev mode (no login); tests with access control on
      // (CASEFLOW_AUTH=on) pass NODE_ENV=production themselves.
      NODE_ENV: 'development',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitForHealth(base, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { base, child, output: () => output, stop };
}

/** Headless Chromium at CHROMIUM (CASEFLOW_CHROMIUM overrides /usr/bin/chromium). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium, or set CASEFLOW_CHROMIUM`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface PageOptions {
  /** The folder the step screenshots go to (test-artifacts/<suite>/); the suite clears and makes it. */
  artifacts: string;
  /**
   * For several pages in one suite, put before each screenshot's number: `<name>-NN-<step>.png`
   * (without it: `NN-<step>.png`).
   */
  name?: string;
  viewport: { width: number; height: number };
  /** The browser's language: en-GB unless told; null: Chromium's own. */
  locale?: string | null;
  /** The browser's time zone: UTC unless told; null: the machine's. */
  timezoneId?: string | null;
  /** The page's default timeout in ms: 15 000 unless told; null: Playwright's own (30 s). */
  timeout?: number | null;
  /**
   * API answers (URLs with /api/) of this status or above are problems: 400 unless told. Tests that get
   * 4xx answers on purpose (wrong passwords, forbidden pages, unknown customers) pass 500.
   */
  problemStatus?: number;
  /** Whole-page screenshots (the default) or the viewport only. */
  fullPage?: boolean;
  /** A script run in every page of the context before the page's own (context.addInitScript). */
  initScript?: string;
  /** Permissions granted to one origin before the page opens (context.grantPermissions). */
  grant?: { permissions: string[]; origin: string };
}

export interface OpenedPage {
  /** The page's own browser context (close it when done). */
  context: BrowserContext;
  page: Page;
  /**
   * Runs one step, then screenshots the page as `[<name>-]NN-<step>.png` in the artifacts folder; a step
   * that fails leaves `[<name>-]NN-<step>-FAILED.png` and throws on.
   */
  step: (name: string, body: () => Promise<void>) => Promise<void>;
  /** Page errors and API answers of `problemStatus` or above, as they come: a test expects none. */
  problems: string[];
}

/** A page in a browser context of its own, with a list of the problems it meets and screenshot steps. */
export async function openPage(browser: Browser, options: PageOptions): Promise<OpenedPage> {
  const { artifacts, name, viewport, problemStatus = 400, fullPage = true } = options;
  const locale = options.locale === null ? undefined : (options.locale ?? 'en-GB');
  const timezoneId = options.timezoneId === null ? undefined : (options.timezoneId ?? 'UTC');
  const timeout = options.timeout === null ? undefined : (options.timeout ?? 15_000);
  const context = await browser.newContext({ viewport, locale, timezoneId });
  if (options.initScript) await context.addInitScript({ content: options.initScript });
  if (options.grant)
    await context.grantPermissions(options.grant.permissions, { origin: options.grant.origin });
  const page = await context.newPage();
  if (timeout !== undefined) page.setDefaultTimeout(timeout);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('response', (res) => {
    if (res.url().includes('/api/') && res.status() >= problemStatus)
      problems.push(`${res.status()} ${res.url()}`);
  });
  let n = 0;
  const step = async (stepName: string, body: () => Promise<void>) => {
    n += 1;
    const file = `${name ? `${name}-` : ''}${String(n).padStart(2, '0')}-${stepName}`;
    try {
      await body();
    } catch (error) {
      await page.screenshot({ path: path.join(artifacts, `${file}-FAILED.png`), fullPage }).catch(() => {});
      throw error;
    }
    await page.screenshot({ path: path.join(artifacts, `${file}.png`), fullPage });
  };
  return { context, page, step, problems };
}
