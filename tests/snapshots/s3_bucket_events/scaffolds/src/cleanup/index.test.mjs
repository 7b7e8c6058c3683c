// Unit test of the cleanup scaffold (node --test): runs the handler with a sample event.
import { test } from "node:test";
import assert from "node:assert/strict";

process.env["ARCHIVE_BUCKET_NAME"] ??= "test-archive-bucket-name";
process.env["UPLOADS_BUCKET_NAME"] ??= "test-uploads-bucket-name";
const { handler } = await import("./index.mjs");

test("decodes keys and handles each object", async () => {
  const event = {
    Records: [
      { eventName: "ObjectCreated:Put", s3: { bucket: { name: "b" }, object: { key: "in/my+file%281%29.pdf" } } },
      { eventName: "ObjectRemoved:Delete", s3: { bucket: { name: "b" }, object: { key: "in/a.pdf" } } },
    ],
  };
  const seen = [];
  const handle = async (bucket, key) => seen.push([bucket, key]);
  assert.deepEqual(await handler(event, {}, handle), { processed: 2 });
  assert.deepEqual(seen, [["b", "in/my file(1).pdf"], ["b", "in/a.pdf"]]);
});

test("the default handler accepts an event", async () => {
  const event = { Records: [{ eventName: "ObjectCreated:Put", s3: { bucket: { name: "b" }, object: { key: "a" } } }] };
  assert.deepEqual(await handler(event), { processed: 1 });
});
