// Unit test of the fulfil scaffold (node --test): runs the handler with a sample event.
import { test } from "node:test";
import assert from "node:assert/strict";

const { handler } = await import("./index.mjs");

test("reports only failed records", async () => {
  const res = await handler({ Records: [{ messageId: "good", body: "{}" }, { messageId: "bad", body: "not json" }] });
  assert.deepEqual(res, { batchItemFailures: [{ itemIdentifier: "bad" }] });
});
