#!/usr/bin/env node
// Builds the dashboard (web/ → web/dist) when it is missing or older than its sources; `npm start` runs it.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../web');
const built = path.join(web, 'dist/index.html');

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(file) : statSync(file).mtimeMs);
  }
  return latest;
}

const inputs = [
  newest(path.join(web, 'src')),
  existsSync(path.join(web, 'public')) ? newest(path.join(web, 'public')) : 0,
  statSync(path.join(web, 'index.html')).mtimeMs,
  statSync(path.join(web, 'vite.config.ts')).mtimeMs,
  statSync(path.join(web, '../src/eventlog/activities.ts')).mtimeMs,
  statSync(path.join(web, '../src/access/permissions.ts')).mtimeMs,
  statSync(path.join(web, '../src/work/state-machine.ts')).mtimeMs,
  statSync(path.join(web, '../src/journey/kinds.ts')).mtimeMs,
  statSync(path.join(web, '../src/journey/model.ts')).mtimeMs,
];
const sources = Math.max(...inputs);
if (existsSync(built) && statSync(built).mtimeMs >= sources && !process.argv.includes('--force')) {
  process.stderr.write('Dashboard up to date (web/dist).\n');
} else {
  process.stderr.write('Building the dashboard (web/ → web/dist)…\n');
  const { build } = await import('vite');
  await build({ root: web, configFile: path.join(web, 'vite.config.ts'), logLevel: 'warn' });
}
