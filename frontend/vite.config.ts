import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The bundle goes straight into Maven's output folder, so the Spring Boot jar serves it from
// classpath:/static. Entry and asset names are fixed (no content hash): the Thymeleaf page refers
// to /assets/app.js and /assets/app.css, and Spring's content-version strategy adds the hash to
// those URLs at render time (see application.properties). Other chunks carry a content hash in
// their names, so the year-long cache never serves a stale one.
//
// Chunks: the page needs the editor at first paint, so CodeMirror (with Lezer) is split off, not
// loaded later: it is ~60 % of the code, changes only with a dependency bump, and so stays cached
// while app.js changes. The share/present/export libraries (fflate, STOMP, QR code, GIF encoder)
// are a second library chunk for the same reason. Every chunk then stays under Vite's 500 kB
// warning without raising the limit.
//
// Source maps are written ('hidden': no sourceMappingURL comment) for debugging from
// target/classes, and the jar leaves them out (pom.xml, maven-jar-plugin excludes).
const outDir = fileURLToPath(new URL('../target/classes/static', import.meta.url));

export default defineConfig({
  build: {
    outDir,
    emptyOutDir: true,
    assetsDir: 'assets',
    manifest: false,
    sourcemap: 'hidden',
    target: 'es2022',
    rolldownOptions: {
      input: { app: fileURLToPath(new URL('src/main.ts', import.meta.url)) },
      output: {
        entryFileNames: 'assets/[name].js',
        chunkFileNames: 'assets/[name]-[hash].js',
        codeSplitting: {
          groups: [
            { name: 'codemirror', test: /node_modules[\\/](@codemirror|@lezer|@marijn|style-mod|w3c-keyname|crelt)[\\/]/ },
            { name: 'sharelibs', test: /node_modules[\\/](fflate|@stomp|qrcode-generator|gifenc)[\\/]/ },
          ],
        },
        assetFileNames: 'assets/[name][extname]',
      },
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
});
