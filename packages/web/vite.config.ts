import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The web app, built into dist/ by the set-up (`npm ci` → prepare) and served by `skyroll server`. */
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 2048 },
  server: { proxy: { '/api': 'http://127.0.0.1:8437' } },
});
