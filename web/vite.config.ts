import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The command-centre web app: built into web/dist, which the gateway serves at /.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 700,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080', '/streams': 'http://127.0.0.1:8080' },
  },
});
