import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The web console, built by `npm run build` into dist/console, which the server serves at
 * /console/ (its assets by relative paths under that base; nothing from a CDN).
 */
export default defineConfig({
  root: import.meta.dirname,
  // Relative asset paths: the page works at /console/ and under any prefix a proxy adds.
  base: './',
  plugins: [react()],
  build: {
    outDir: path.join(import.meta.dirname, '..', 'dist', 'console'),
    emptyOutDir: true,
    // No inline script or style: the page's CSP allows only its own files.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: false,
  },
  logLevel: 'warn',
});
