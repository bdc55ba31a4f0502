import { defineConfig, type Plugin } from 'vite';

/**
 * Deployment hook: dist/config.js (from public/) is loaded before the app and
 * may set window.SWITCHBOARD_API; a deployment can overwrite that one file.
 * Injected here rather than written in index.html, as Vite would otherwise
 * try (and warn about failing) to bundle it. A classic script runs before
 * the deferred module script wherever it stands in <head>.
 */
const runtimeConfig: Plugin = {
  name: 'switchboard-runtime-config',
  transformIndexHtml: () => [{ tag: 'script', attrs: { src: './config.js' }, injectTo: 'head' }],
};

// The dashboard is a static app: served at / by the local runtime and deployed
// as a static site in AWS. Relative asset URLs let it live under any path.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [runtimeConfig],
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact' },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    reportCompressedSize: true,
  },
  server: {
    // `npm run dev -w @switchboard/web` against `switchboard dev` on :3000
    proxy: { '/api': { target: 'http://127.0.0.1:3000', changeOrigin: true } },
  },
});
