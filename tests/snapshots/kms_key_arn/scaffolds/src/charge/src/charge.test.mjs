// Unit test of the charge scaffold (node --test): runs the handler with a sample event.
import { test } from "node:test";
import assert from "node:assert/strict";

process.env["DB_PASSWORD_PARAMETER_NAME"] ??= "/pay-gw/db/password";
process.env["PAYMENTS_TABLE_NAME"] ??= "test-payments-table-name";
process.env["PAYMENT_EVENTS_TOPIC_ARN"] ??= "test-payment-events-topic-arn";
process.env["POWERTOOLS_SERVICE_NAME"] ??= "pay-gw";
process.env["STRIPE_API_KEY_SECRET_ARN"] ??= "test-stripe-api-key-secret-arn";
process.env["STRIPE_MODE"] ??= "test";
const { handler } = await import("./charge.mjs");

test("returns a JSON response", async () => {
  const res = await handler({ routeKey: "POST /payments", body: JSON.stringify({ hello: "world" }), requestContext: { requestId: "r1" } });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(JSON.parse(res.body).received, { hello: "world" });
});

test("a secret is fetched once, then cached", async () => {
  const mod = await import("./charge.mjs");
  const calls = [];
  mod.secretSource.fetch = async (envKey, ref) => {
    calls.push(ref);
    return "value";
  };
  assert.equal(await mod.getSecret("DB_PASSWORD_PARAMETER_NAME"), "value");
  assert.equal(await mod.getSecret("DB_PASSWORD_PARAMETER_NAME"), "value");
  assert.deepEqual(calls, [process.env["DB_PASSWORD_PARAMETER_NAME"]]);
});
