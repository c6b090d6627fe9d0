// Builds dist/api.js (IIFE, worker inlined), dist/index.mjs (ESM) and dist/index.d.ts.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist);

const common = { bundle: true, minify: true, target: ["es2020"], legalComments: "none", logLevel: "warning" };

// The worker first: its minified source becomes a string constant in the main bundles,
// so api.js stays one file and the worker runs from a same-origin blob: URL.
const worker = await build({ ...common, entryPoints: [join(root, "src/pow/worker.ts")], format: "iife", write: false });
const define = { __WORKER_SRC__: JSON.stringify(worker.outputFiles[0].text) };

const banner = { js: `/*! Palisade widget ${pkg.version} */` };
await build({ ...common, define, banner, entryPoints: [join(root, "src/iife.ts")], format: "iife", outfile: join(dist, "api.js") });
await build({ ...common, define, banner, entryPoints: [join(root, "src/index.ts")], format: "esm", outfile: join(dist, "index.mjs") });

// Bundled declarations for npm users.
execFileSync(
  process.execPath,
  [join(root, "node_modules/dts-bundle-generator/dist/bin/dts-bundle-generator.js"), "--silent", "--no-banner",
   "--project", join(root, "tsconfig.json"), "-o", join(dist, "index.d.ts"), join(root, "src/index.ts")],
  { stdio: "inherit" },
);
writeFileSync(join(dist, "VERSION"), pkg.version + "\n");
console.log("built", ["api.js", "index.mjs", "index.d.ts"].map((f) => `dist/${f}`).join(", "));
