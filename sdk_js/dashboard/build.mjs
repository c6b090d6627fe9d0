// Bundles the dashboard (TypeScript + uPlot + CSS) into dist/ with esbuild.
// edge_api serves dist/dashboard.js and dist/dashboard.css under /dashboard/assets/.
import { build } from "esbuild";
import { mkdirSync, rmSync } from "node:fs";

rmSync("dist", { recursive: true, force: true });
mkdirSync("dist");
await build({
  entryPoints: { dashboard: "src/main.ts" },
  outdir: "dist",
  bundle: true,
  format: "esm",
  minify: true,
  target: ["es2020"],
  legalComments: "none",
  logLevel: "warning",
});
