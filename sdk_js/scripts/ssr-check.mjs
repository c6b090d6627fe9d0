// Importing the ESM bundle must not touch browser globals (server-side rendering).
import assert from "node:assert/strict";

for (const name of ["window", "document", "navigator", "self", "location"]) {
  assert.equal(typeof globalThis[name], name === "navigator" ? typeof globalThis.navigator : "undefined", name);
}
// Node 21+ defines a global navigator; hide it so any access at import time throws.
Object.defineProperty(globalThis, "navigator", { get() { throw new Error("navigator touched at import"); }, configurable: true });
const mod = await import("../dist/index.mjs");
assert.equal(typeof mod.createPalisade, "function");
assert.equal(typeof mod.solveSync, "function");
console.log("ssr-check: ESM bundle imports without window/document/navigator");
