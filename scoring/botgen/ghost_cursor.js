// Paths from the ghost-cursor npm package (its own path() and overshoot()),
// the way GhostCursor.moveTo/click trace them, with Math.random seeded so a
// training run is reproducible. Reads one JSON job per line on stdin:
//   {"seed": int, "start": [x, y], "box": [x, y, w, h], "timestamps": bool}
// and writes one JSON array of [x, y, t] points per line (t null without timestamps).
"use strict";
const path = require("path");
const readline = require("readline");

let state = 0;
function mulberry32() {
  state = (state + 0x6d2b79f5) | 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
Math.random = mulberry32;
let clock = 0;
Date.now = () => clock;

const base = process.env.GHOST_CURSOR_DIR || path.join(__dirname, "node_modules", "ghost-cursor");
const spoof = require(path.join(base, "lib", "spoof.js"));
const math = require(path.join(base, "lib", "math.js"));
const OVERSHOOT_THRESHOLD = 500;
const OVERSHOOT_RADIUS = 120;
const OVERSHOOT_SPREAD = 10;

function trace(from, to, opts, out) {
  const pts = spoof.path(from, to, opts);
  for (const p of pts) out.push([p.x, p.y, p.timestamp === undefined ? null : p.timestamp]);
  const last = pts[pts.length - 1];
  if (last.timestamp !== undefined) clock = last.timestamp;
  return { x: last.x, y: last.y };
}

const rl = readline.createInterface({ input: process.stdin });
rl.on("line", (line) => {
  const job = JSON.parse(line);
  state = job.seed | 0;
  clock = 0;
  const start = { x: job.start[0], y: job.start[1] };
  const [bx, by, bw, bh] = job.box;
  const box = { x: bx, y: by, width: bw, height: bh };
  // GhostCursor picks a random point inside the element's box.
  const dest = { x: bx + Math.random() * bw, y: by + Math.random() * bh };
  const opts = { useTimestamps: !!job.timestamps };
  const out = [[start.x, start.y, job.timestamps ? 0 : null]];
  if (math.magnitude(math.direction(start, dest)) > OVERSHOOT_THRESHOLD) {
    const over = math.overshoot(dest, OVERSHOOT_RADIUS);
    const mid = trace(start, over, opts, out);
    trace(mid, { ...box, ...dest }, { ...opts, spreadOverride: OVERSHOOT_SPREAD }, out);
  } else {
    trace(start, { ...box, ...dest }, opts, out);
  }
  process.stdout.write(JSON.stringify(out) + "\n");
});
