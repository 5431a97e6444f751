/**
 * Builds the designer into `dist/renderer` (`npm run build`). Relative asset URLs (`base: './'`)
 * let the same bundle load from the studio server and from the Electron shell. Monaco, its
 * workers and the fonts are bundled: the app never fetches anything from another host.
 */
import react from '@vitejs/plugin-react';
import { defineConfig, type UserConfig } from 'vite';

// No node: imports here (test/architecture keeps the renderer folder free of them).
const here = decodeURIComponent(new URL('.', import.meta.url).pathname);

export default defineConfig(({ command }): UserConfig => {
  // A production bundle (React and JSX) even when the caller's NODE_ENV says otherwise, e.g.
  // vitest's "test" when the browser tests build the renderer.
  if (command === 'build') process.env.NODE_ENV = 'production';
  return config;
});

const config: UserConfig = {
  root: here,
  base: './',
  publicDir: false,
  plugins: [react()],
  worker: { format: 'es' },
  build: {
    outDir: `${here}../dist/renderer`,
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 10_000,
    reportCompressedSize: false,
    sourcemap: false,
  },
  server: { fs: { allow: [`${here}..`] } },
};
