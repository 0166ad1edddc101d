import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

/** The dashboard's pages, bundled into dist/ui (served by `orchestrator serve`; no CDN). */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  logLevel: "warn",
  build: {
    outDir: fileURLToPath(new URL("../dist/ui", import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 800,
  },
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
});
