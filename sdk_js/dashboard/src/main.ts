// Palisade analytics dashboard: reads /dashboard/api/* with the session cookie and draws
// uPlot charts and plain tables. No inline script or style anywhere (strict CSP).
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import "./style.css";

interface SiteRef { sitekey: string; name: string }
interface SessionInfo { role: string; expires: number; now: number; sites: SiteRef[] }
interface Point {
  ts: number; requests: number; challenges: number; passed: number; escalated: number;
  refused: number; rate_limited: number; verify_ok: number; verify_failed: number; pass_rate: number;
}
interface Totals extends Omit<Point, "ts"> {}
interface Outcomes { totals: Totals; unique_clients: number }
interface ScoreRow { bucket: number; low: number; high: number; count: number }
interface Named { count: number; share?: number; reason?: string; model?: string }
interface Offender { subnet: string; refusals: number }

const COLORS = { req: "#2b6cb0", pass: "#1f9d55", esc: "#d69e2e", ref: "#c53030", lim: "#6b46c1" };
const byId = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing`);
  return el as T;
};

let skew = 0; // server clock minus ours, seconds
const charts = new Map<string, uPlot>();

class Expired extends Error {}

async function api<T>(path: string): Promise<T> {
  const response = await fetch(path, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (response.status === 401) {
    location.assign("/dashboard/login?expired=1");
    throw new Expired("session expired");
  }
  if (!response.ok) throw new Error(`${path.split("?")[0]}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

function text(tag: string, content: string, cls?: string): HTMLElement {
  const el = document.createElement(tag);
  el.textContent = content;
  if (cls) el.className = cls;
  return el;
}

const fmt = new Intl.NumberFormat();
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

function tiles(o: Outcomes): void {
  const t = o.totals;
  const items: [string, string][] = [
    ["Requests", fmt.format(t.requests)],
    ["Pass rate", pct(t.pass_rate)],
    ["Passed", fmt.format(t.passed)],
    ["Escalated", fmt.format(t.escalated)],
    ["Refused", fmt.format(t.refused)],
    ["Rate limited", fmt.format(t.rate_limited)],
    ["Unique clients", fmt.format(o.unique_clients)],
    ["Verify ok / failed", `${fmt.format(t.verify_ok)} / ${fmt.format(t.verify_failed)}`],
  ];
  const root = byId("tiles");
  root.replaceChildren(
    ...items.map(([k, v]) => {
      const tile = text("div", "", "tile");
      tile.append(text("div", v, "v"), text("div", k, "k"));
      return tile;
    }),
  );
}

function chartWidth(el: HTMLElement): number {
  return Math.max(260, Math.floor(el.clientWidth || el.parentElement?.clientWidth || 300));
}

function draw(id: string, options: Omit<uPlot.Options, "width" | "height">, data: uPlot.AlignedData, points: number): void {
  const el = byId(id);
  charts.get(id)?.destroy();
  const plot = new uPlot({ ...options, width: chartWidth(el), height: 220 } as uPlot.Options, data, el);
  charts.set(id, plot);
  el.dataset.points = String(points);
}

function series(label: string, stroke: string, extra: Partial<uPlot.Series> = {}): uPlot.Series {
  return { label, stroke, width: 2, points: { show: false }, ...extra };
}

function timeCharts(rows: Point[]): void {
  const xs = rows.map((r) => r.ts);
  const active = rows.filter((r) => r.requests > 0).length;
  draw(
    "chart-requests",
    {
      scales: { rate: { range: [0, 1] } },
      axes: [{}, { label: "decisions" }, { scale: "rate", side: 1, size: 64, grid: { show: false }, values: (_u, v) => v.map((x) => `${Math.round(x * 100)}%`) }],
      series: [
        {},
        series("Requests", COLORS.req),
        series("Passed", COLORS.pass),
        series("Pass rate", "#718096", { scale: "rate", dash: [5, 4], value: (_u, v) => (v == null ? "-" : pct(v)) }),
      ],
    },
    [xs, rows.map((r) => r.requests), rows.map((r) => r.passed), rows.map((r) => (r.passed + r.escalated + r.refused > 0 ? r.pass_rate : null))],
    active,
  );
  const bad = rows.filter((r) => r.escalated + r.refused + r.rate_limited > 0).length;
  draw(
    "chart-esc",
    {
      axes: [{}, { label: "decisions" }],
      series: [{}, series("Escalated", COLORS.esc), series("Refused", COLORS.ref), series("Rate limited", COLORS.lim)],
    },
    [xs, rows.map((r) => r.escalated), rows.map((r) => r.refused), rows.map((r) => r.rate_limited)],
    bad,
  );
}

function scoreChart(rows: ScoreRow[]): void {
  const bars = uPlot.paths.bars ? uPlot.paths.bars({ size: [0.8, 60] }) : undefined;
  draw(
    "chart-scores",
    {
      scales: { x: { time: false, range: [-0.05, 0.95] } },
      axes: [{ values: (_u, v) => v.map((x) => x.toFixed(1)) }, { label: "submits" }],
      series: [{ label: "score ≥" }, { label: "Submits", stroke: COLORS.req, fill: "rgba(43,108,176,0.35)", paths: bars, points: { show: false } }],
      legend: { show: true },
    },
    [rows.map((r) => r.low), rows.map((r) => r.count)],
    rows.filter((r) => r.count > 0).length,
  );
}

function table(id: string, head: string[], rows: (string | number)[][], meterOf?: number): void {
  const el = byId<HTMLTableElement>(id);
  el.replaceChildren();
  el.dataset.rows = String(rows.length);
  if (!rows.length) {
    const tr = document.createElement("tr");
    tr.append(text("td", "No data in this range", "empty"));
    el.append(tr);
    return;
  }
  const hr = document.createElement("tr");
  head.forEach((h, i) => hr.append(text("th", h, typeof rows[0][i] === "number" ? "n" : undefined)));
  if (meterOf !== undefined) hr.append(text("th", ""));
  el.append(hr);
  const max = Math.max(1, ...rows.map((r) => Number(r[meterOf ?? 1]) || 0));
  for (const row of rows) {
    const tr = document.createElement("tr");
    row.forEach((cell) => tr.append(text("td", typeof cell === "number" ? fmt.format(cell) : cell, typeof cell === "number" ? "n" : undefined)));
    if (meterOf !== undefined) {
      const td = text("td", "", "meter");
      const bar = document.createElement("span");
      bar.style.width = `${Math.round((Number(row[meterOf]) / max) * 100)}%`;
      td.append(bar);
      tr.append(td);
    }
    el.append(tr);
  }
}

function status(message: string, error = false): void {
  const el = byId("status");
  el.textContent = message;
  el.className = error ? "error" : "";
}

async function load(sitekey: string, span: number): Promise<void> {
  const to = Math.ceil(Date.now() / 1000 + skew);
  const step = span <= 6 * 3600 ? "minute" : "hour";
  const q = `from=${to - span}&to=${to}&step=${step}&limit=10`;
  const base = `/dashboard/api/${encodeURIComponent(sitekey)}`;
  byId("app").setAttribute("aria-busy", "true");
  const [ts, outcomes, scores, reasons, subnets, models] = await Promise.all([
    api<{ timeseries: Point[] }>(`${base}/timeseries?${q}`),
    api<Outcomes>(`${base}/outcomes?${q}`),
    api<{ scores: ScoreRow[] }>(`${base}/scores?${q}`),
    api<{ reasons: Named[] }>(`${base}/reasons?${q}`),
    api<{ subnets: Offender[] }>(`${base}/subnets?${q}`),
    api<{ models: Named[] }>(`${base}/models?${q}`),
  ]);
  tiles(outcomes);
  timeCharts(ts.timeseries);
  scoreChart(scores.scores);
  table("reasons", ["Reason", "Count"], reasons.reasons.map((r) => [r.reason ?? "", r.count]), 1);
  table("subnets", ["Subnet (keyed hash)", "Refusals"], subnets.subnets.map((s) => [s.subnet, s.refusals]), 1);
  table("models", ["Model", "Submits", "Share"], models.models.map((m) => [m.model ?? "", m.count, pct(m.share ?? 0)]), 1);
  byId("app").setAttribute("aria-busy", "false");
  document.body.dataset.state = "ready";
  status(`Updated ${new Date().toLocaleTimeString()} · ${step} buckets`);
}

async function main(): Promise<void> {
  const session = await api<SessionInfo>("/dashboard/api/session");
  skew = session.now - Date.now() / 1000;
  const picker = byId<HTMLSelectElement>("site");
  for (const site of session.sites) {
    const option = document.createElement("option");
    option.value = site.sitekey;
    option.textContent = site.name ? `${site.name} (${site.sitekey})` : site.sitekey;
    picker.append(option);
  }
  picker.disabled = session.role !== "admin" || session.sites.length < 2;
  const range = byId<HTMLSelectElement>("range");
  const refresh = (): void => {
    if (!picker.value) {
      status("No sites yet: create one with the admin API.");
      document.body.dataset.state = "ready";
      return;
    }
    load(picker.value, Number(range.value)).catch((err: unknown) => {
      if (!(err instanceof Expired)) status(String(err), true);
    });
  };
  picker.addEventListener("change", refresh);
  range.addEventListener("change", refresh);
  // The session ends on the server at `expires`; leave for the sign-in page then.
  const left = (session.expires - session.now) * 1000;
  setTimeout(() => location.assign("/dashboard/login?expired=1"), Math.max(0, left) + 250);
  setInterval(refresh, 60_000);
  let width = window.innerWidth;
  window.addEventListener("resize", () => {
    if (window.innerWidth === width) return;
    width = window.innerWidth;
    for (const [id, plot] of charts) plot.setSize({ width: chartWidth(byId(id)), height: 220 });
  });
  refresh();
}

main().catch((err: unknown) => {
  if (!(err instanceof Expired)) status(String(err), true);
});
