// Unit test of the nightly-report scaffold (node --test): runs the handler with a sample event.
import { test } from "node:test";
import assert from "node:assert/strict";

const { handler } = await import("./index.mjs");

test("runs with and without input", async () => {
  assert.deepEqual(await handler({ report: "daily" }), { ran: true });
  assert.deepEqual(await handler({}), { ran: true });
});
