import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import './styles.css';

import { setOrganizationTimeZone } from './filters.ts';

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
// Date filters are calendar days of the organization: learn its time zone before the first API call.
try {
  const health = (await (await fetch('/api/v1/health')).json()) as { timeZone?: string };
  if (health.timeZone) setOrganizationTimeZone(health.timeZone);
} catch {
  // No time zone: dates stay UTC days; the pages report API errors themselves.
}
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
