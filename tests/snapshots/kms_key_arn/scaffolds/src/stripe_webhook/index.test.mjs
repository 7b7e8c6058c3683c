// Unit test of the stripe-webhook scaffold (node --test): runs the handler with a sample event.
import { test } from "node:test";
import assert from "node:assert/strict";

process.env["PAYMENT_EVENTS_TOPIC_ARN"] ??= "test-payment-events-topic-arn";
process.env["POWERTOOLS_SERVICE_NAME"] ??= "pay-gw";
process.env["STRIPE_MODE"] ??= "test";
process.env["WEBHOOK_SIGNING_2_SECRET_ARN"] ??= "test-webhook-signing-2-secret-arn";
const { handler } = await import("./index.mjs");

test("returns a JSON response", async () => {
  const res = await handler({ routeKey: "POST /webhooks/stripe", body: JSON.stringify({ hello: "world" }), requestContext: { requestId: "r1" } });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(JSON.parse(res.body).received, { hello: "world" });
});

test("a secret is fetched once, then cached", async () => {
  const mod = await import("./index.mjs");
  const calls = [];
  mod.secretSource.fetch = async (envKey, ref) => {
    calls.push(ref);
    return "value";
  };
  assert.equal(await mod.getSecret("WEBHOOK_SIGNING_2_SECRET_ARN"), "value");
  assert.equal(await mod.getSecret("WEBHOOK_SIGNING_2_SECRET_ARN"), "value");
  assert.deepEqual(calls, [process.env["WEBHOOK_SIGNING_2_SECRET_ARN"]]);
});
