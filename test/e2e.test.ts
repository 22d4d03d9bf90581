import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './support.ts';

const BIN = path.resolve(import.meta.dirname, '../bin/caseflow.js');
const CHROMIUM = process.env.CASEFLOW_CHROMIUM ?? '/usr/bin/chromium';

function freePort(): Promise<number> {
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

describe('browser: `caseflow serve --demo` (what `npm start` runs) on an empty data directory', () => {
  let server: ChildProcess;
  let browser: Browser;
  let base: string;
  let output = '';

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}: apt-get install chromium, or set CASEFLOW_CHROMIUM`,
      );
    }
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, [BIN, 'serve', '--demo'], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        CASEFLOW_DATA_DIR: tempDir(),
        NODE_ENV: 'production',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout?.on('data', (d) => {
      output += d;
    });
    server.stderr?.on('data', (d) => {
      output += d;
    });
    await waitForHealth(base, server, () => output);
    browser = await chromium.launch({
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
  });

  afterAll(async () => {
    await browser?.close();
    server?.kill('SIGTERM');
  });

  it('loads the demo data and shows what is loaded', async () => {
    const health = await (await fetch(`${base}/api/v1/health`)).json();
    expect(health.conversations).toBe(5000);
    const page = await browser.newPage();
    await page.goto(`${base}/status?lang=en`);
    await expect(page.title()).resolves.toMatch(/Caseflow/);
    const rows = await page.locator('#loaded tr').allInnerTexts();
    const conversations = rows.find((r) => r.startsWith('Conversations'));
    expect(conversations).toMatch(/5000/);
    expect(rows.find((r) => r.startsWith('Service requests'))).toMatch(/\d+/);
    await page.click('a[hreflang="fr"]');
    await expect(page.locator('h1').textContent()).resolves.toMatch(/demandes de service/);
  });

  it('opens the API documentation', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/api/docs`);
    await page.getByText('/api/v1/eventlog', { exact: true }).first().waitFor({ timeout: 30_000 });
  });
});
