import { defineConfig, loadEnv } from 'vite';

/**
 * The dashboard. `vite build web` writes web/dist/, which the Caseflow server serves at `/`.
 * `vite web` runs a dev server proxying /api to a running `caseflow serve`
 * (CASEFLOW_API, default http://127.0.0.1:4100).
 */
export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, '.', 'CASEFLOW_');
  return {
    base: '/',
    build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1200 },
    server: { proxy: { '/api': env.CASEFLOW_API ?? 'http://127.0.0.1:4100' } },
  };
});
