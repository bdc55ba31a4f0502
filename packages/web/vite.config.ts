import { defineConfig } from 'vite';

// The dashboard is a static app: served at / by the local runtime and deployed
// as a static site in AWS. Relative asset URLs let it live under any path.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
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
