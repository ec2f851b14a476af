import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The bundle goes straight into Maven's output folder, so the Spring Boot jar serves it from
// classpath:/static. Entry and asset names are fixed (no content hash): the Thymeleaf page refers
// to /assets/app.js and /assets/app.css, and Spring's content-version strategy adds the hash to
// those URLs at render time (see application.properties).
const outDir = fileURLToPath(new URL('../target/classes/static', import.meta.url));

export default defineConfig({
  build: {
    outDir,
    emptyOutDir: true,
    assetsDir: 'assets',
    manifest: false,
    sourcemap: true,
    target: 'es2022',
    rolldownOptions: {
      input: { app: fileURLToPath(new URL('src/main.ts', import.meta.url)) },
      output: {
        entryFileNames: 'assets/[name].js',
        chunkFileNames: 'assets/[name].js',
        assetFileNames: 'assets/[name][extname]',
      },
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
});
