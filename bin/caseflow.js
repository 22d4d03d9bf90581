#!/usr/bin/env node
// Runs the TypeScript sources through tsx, so `npx caseflow` works right after `npm ci` with no build.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
