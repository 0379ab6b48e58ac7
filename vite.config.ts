import { readdirSync, readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vite';

/** The repository's docs/*.md ride along as docs/<name>.md, so the page's help can link them from any static host
 *  (the dev server serves the same paths from the repository root). */
const shipDocs: Plugin = {
  name: 'ship-docs',
  generateBundle() {
    for (const file of readdirSync('docs').filter((f) => f.endsWith('.md'))) {
      this.emitFile({ type: 'asset', fileName: `docs/${file}`, source: readFileSync(`docs/${file}`, 'utf8') });
    }
  },
};

// Relative asset paths, so dist/ deploys to any static host or sub-path.
export default defineConfig({
  base: './',
  plugins: [shipDocs],
  build: { target: 'es2022', outDir: 'dist', assetsInlineLimit: 0 },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
