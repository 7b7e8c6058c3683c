// Unit test of the edge-auth scaffold (node --test): runs the handler with a sample event.
import { test } from "node:test";
import assert from "node:assert/strict";

const { handler } = await import("./index.mjs");

test("passes requests and marks responses", async () => {
  const request = { uri: "/index.html", method: "GET", headers: {} };
  const viewer = { Records: [{ cf: { config: { eventType: "viewer-request" }, request: { ...request } } }] };
  assert.deepEqual(await handler(viewer), request);
  const origin = { Records: [{ cf: { config: { eventType: "origin-response" }, request, response: { status: "200", headers: {} } } }] };
  assert.equal((await handler(origin)).headers["x-served-by"][0].value, "lambda-at-edge");
});
