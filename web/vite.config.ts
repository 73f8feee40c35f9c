import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { precompress } from './scripts/precompress.js';

const root = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../dist/web', import.meta.url));

/** The web app: built into dist/web, which the node serves with an SPA fallback. */
export default defineConfig({
  root,
  base: '/',
  // web/public (the favicon) is copied to the root of the build as it is.
  plugins: [react(), precompress(outDir)],
  build: {
    outDir,
    emptyOutDir: true,
    // Source maps publish the app's source; build them only on request (ACCORD_WEB_SOURCEMAPS=1).
    sourcemap: process.env.ACCORD_WEB_SOURCEMAPS === '1',
    // The CSP forbids inline scripts; keep every asset a file.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8480' },
  },
});
