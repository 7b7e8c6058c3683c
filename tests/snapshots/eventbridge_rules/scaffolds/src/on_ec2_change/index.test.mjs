// Unit test of the on-ec2-change scaffold (node --test): runs the handler with a sample event.
import { test } from "node:test";
import assert from "node:assert/strict";

const { handler } = await import("./index.mjs");

test("handles a full event and an input_path fragment", async () => {
  const event = { id: "e1", source: "orders", "detail-type": "OrderCreated", detail: { id: 1 } };
  assert.deepEqual(await handler(event), { ok: true, id: "e1" });
  assert.deepEqual(await handler({ id: 1 }), { ok: true });
});
