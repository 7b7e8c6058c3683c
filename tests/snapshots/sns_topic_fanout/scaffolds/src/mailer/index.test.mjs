// Unit test of the mailer scaffold (node --test): runs the handler with a sample event.
import { test } from "node:test";
import assert from "node:assert/strict";

const { handler } = await import("./index.mjs");

test("decodes SNS messages and attributes", async () => {
  const { parse } = await import("./index.mjs");
  const record = { Sns: { Message: JSON.stringify({ id: 1 }), MessageAttributes: { kind: { Type: "String", Value: "created" } } } };
  assert.deepEqual(parse(record), { message: { id: 1 }, attributes: { kind: "created" } });
  assert.deepEqual(parse({ Sns: { Message: "plain text" } }), { message: "plain text", attributes: {} });
});

test("processes every record", async () => {
  const res = await handler({ Records: [{ Sns: { Message: "{}" } }, { Sns: { Message: "plain text" } }] });
  assert.deepEqual(res, { processed: 2 });
});
