import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const DJANGO = 'http://127.0.0.1:8000';

export default defineConfig(({ command }) => ({
  plugins: [react()],
  // Django serves the built assets under /static/. The dev server keeps '/'
  // so client-side routes such as /login work at http://localhost:5173/login.
  base: command === 'build' ? '/static/' : '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
  server: {
    proxy: {
      '/api': DJANGO,
      '/admin': DJANGO,
      '/healthz': DJANGO,
      '/readyz': DJANGO,
      '/ws': { target: DJANGO, ws: true },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    restoreMocks: true,
  },
}));
