import { defineConfig } from "vitest/config";

export default defineConfig({
  define: { __WORKER_SRC__: JSON.stringify("") },
  test: { include: ["test/**/*.test.ts"], environment: "node" },
});
