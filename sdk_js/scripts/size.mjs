// Fails when api.js (the worker is inlined in it) exceeds the gzip budget.
import { readFileSync, existsSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const BUDGET = 20 * 1024;
const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const files = ["api.js", "worker.js"].map((f) => join(dist, f)).filter(existsSync);
if (!files.length) {
  console.error("dist/api.js missing: run npm run build");
  process.exit(1);
}
const raw = files.reduce((n, f) => n + readFileSync(f).length, 0);
const gz = files.reduce((n, f) => n + gzipSync(readFileSync(f), { level: 9 }).length, 0);
const kb = (n) => (n / 1024).toFixed(1) + " KB";
console.log(`api.js: ${kb(raw)} raw, ${kb(gz)} gzip (budget ${kb(BUDGET)})`);
if (gz > BUDGET) {
  console.error("over the size budget");
  process.exit(1);
}
