// Unit test of the refund scaffold (node --test): runs the handler with a sample event.
import { test } from "node:test";
import assert from "node:assert/strict";

process.env["STRIPE_KEY_SECRET_ARN"] ??= "test-stripe-key-secret-arn";
const { handler } = await import("./index.mjs");

test("handles an event", async () => {
  assert.deepEqual(await handler({ source: "test" }), { ok: true });
});

test("a secret is fetched once, then cached", async () => {
  const mod = await import("./index.mjs");
  const calls = [];
  mod.secretSource.fetch = async (envKey, ref) => {
    calls.push(ref);
    return "value";
  };
  assert.equal(await mod.getSecret("STRIPE_KEY_SECRET_ARN"), "value");
  assert.equal(await mod.getSecret("STRIPE_KEY_SECRET_ARN"), "value");
  assert.deepEqual(calls, [process.env["STRIPE_KEY_SECRET_ARN"]]);
});
