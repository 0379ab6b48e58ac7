import { defineConfig } from 'vite';

// Relative asset paths, so dist/ deploys to any static host or sub-path.
export default defineConfig({
  base: './',
  build: { target: 'es2022', outDir: 'dist', assetsInlineLimit: 0 },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
