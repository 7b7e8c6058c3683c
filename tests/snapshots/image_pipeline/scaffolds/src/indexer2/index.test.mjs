// Unit test of the indexer2 scaffold (node --test): runs the handler with a sample event.
import { test } from "node:test";
import assert from "node:assert/strict";

process.env["AUDIT_Q_QUEUE_URL"] ??= "test-audit-q-queue-url";
process.env["IMAGES_TABLE_NAME"] ??= "test-images-table-name";
const { handler } = await import("./index.mjs");

const record = (seq, pk) => ({ eventName: "INSERT", dynamodb: { SequenceNumber: seq, Keys: { pk: { S: pk } }, NewImage: { pk: { S: pk } } } });

test("stops at the first failed record", async () => {
  const seen = [];
  const handle = async (r) => {
    seen.push(r.dynamodb.SequenceNumber);
    if (r.dynamodb.NewImage.pk.S === "bad") throw new Error("bad record");
  };
  const event = { Records: [record("1", "good"), record("2", "bad"), record("3", "good")] };
  assert.deepEqual(await handler(event, {}, handle), { batchItemFailures: [{ itemIdentifier: "2" }] });
  assert.deepEqual(seen, ["1", "2"]);
});

test("the default handler accepts a batch", async () => {
  assert.deepEqual(await handler({ Records: [record("1", "a")] }), { batchItemFailures: [] });
});
