// Unit test of the api scaffold (node --test): runs the handler with a sample event.
import { test } from "node:test";
import assert from "node:assert/strict";

process.env["EVENTS_QUEUE_URL"] ??= "test-events-queue-url";
process.env["NOTES_TABLE_NAME"] ??= "test-notes-table-name";
const { handler } = await import("./index.mjs");

test("returns a JSON response", async () => {
  const res = await handler({ routeKey: "GET /notes/{id}", body: JSON.stringify({ hello: "world" }), requestContext: { requestId: "r1" } });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(JSON.parse(res.body).received, { hello: "world" });
});
