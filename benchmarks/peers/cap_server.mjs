// Cap's server library (@cap.js/server, installed by `npm ci` here) in the smallest
// server of its own stack: node:http. Used by benchmarks/bench_peers.py only.
//
//   POST /challenge   createChallenge()          -> {challenge: {c, s, d}, token, expires}
//   POST /redeem      redeemChallenge({token, solutions}) -> {success, token, expires}
//   POST /siteverify  validateToken(response)    -> {success}  (single use)
//   GET  /stats       counters, to prove every answer was a success
//
// State is Cap's in-memory storage (noFSState: by default Cap rewrites a JSON file of
// every live token on each redeem and validation). Challenges keep Cap's default count
// (50) and size (32), which set the server's work per redeem; the difficulty is the
// lowest (1 hex digit), which only changes the client's. POST /challenge?count=1 issues
// one-puzzle challenges: the benchmark redeems those to collect tokens for the
// /siteverify run, whose work does not depend on the challenge that earned the token.
import http from "node:http";
import Cap from "@cap.js/server";

const port = Number(process.env.PORT || 8090);
const cap = new Cap({ noFSState: true });
const config = { challengeCount: 50, challengeSize: 32, challengeDifficulty: 1 };
const stats = { challenge: 0, redeemed: 0, redeem_refused: 0, validated: 0, validate_refused: 0 };

function answer(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
  });
  res.end(text);
}

function readJson(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString() || "{}"));
      } catch {
        resolve({});
      }
    });
  });
}

const server = http.createServer(async (req, res) => {
  const [path, query] = req.url.split("?");
  if (req.method === "GET" && path === "/stats") return answer(res, 200, stats);
  if (req.method !== "POST") return answer(res, 405, { success: false });
  const body = await readJson(req);
  if (path === "/challenge") {
    const conf = query === "count=1" ? { ...config, challengeCount: 1 } : config;
    stats.challenge += 1;
    return answer(res, 200, await cap.createChallenge(conf));
  }
  if (path === "/redeem") {
    const result = await cap.redeemChallenge(body);
    stats[result.success ? "redeemed" : "redeem_refused"] += 1;
    return answer(res, result.success ? 200 : 400, result);
  }
  if (path === "/siteverify") {
    const result = await cap.validateToken(body.response);
    stats[result.success ? "validated" : "validate_refused"] += 1;
    return answer(res, result.success ? 200 : 400, result);
  }
  return answer(res, 404, { success: false });
});

server.keepAliveTimeout = 60_000;
server.listen(port, "127.0.0.1");
