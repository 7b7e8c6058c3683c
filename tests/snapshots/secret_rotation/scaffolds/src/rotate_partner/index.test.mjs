// Unit test of the rotate-partner scaffold (node --test): runs the handler with a sample event.
import { test } from "node:test";
import assert from "node:assert/strict";

process.env["PARTNER_KEY_ROTATION"] ??= "{\"password\":{\"PasswordLength\":32}}";
process.env["PARTNER_KEY_SECRET_ARN"] ??= "test-partner-key-secret-arn";
const { handler } = await import("./index.mjs");

// What the four steps need of Secrets Manager, in memory: versions, their stages, passwords.
const fakeSecretsManager = () => {
  const values = {}, stages = {};
  let made = 0;
  const notFound = () => Object.assign(new Error("no such version"), { name: "ResourceNotFoundException" });
  const calls = {
    DescribeSecret: () => ({ RotationEnabled: true, VersionIdsToStages: structuredClone(stages) }),
    GetRandomPassword: ({ PasswordLength = 32 }) => ({ RandomPassword: String(++made).padStart(PasswordLength, "p") }),
    GetSecretValue: ({ VersionStage, VersionId }) => {
      const version = Object.keys(stages).find((v) => stages[v].includes(VersionStage) && (!VersionId || VersionId === v));
      if (!version) throw notFound();
      return { SecretString: values[version] };
    },
    PutSecretValue: ({ ClientRequestToken, SecretString, VersionStages }) => {
      values[ClientRequestToken] = SecretString;
      stages[ClientRequestToken] = [...VersionStages];
      return {};
    },
    UpdateSecretVersionStage: ({ VersionStage, MoveToVersionId, RemoveFromVersionId }) => {
      if (RemoveFromVersionId) stages[RemoveFromVersionId] = ["AWSPREVIOUS"];
      stages[MoveToVersionId] = [VersionStage];
      return {};
    },
  };
  return { values, stages, send: async (command, input) => calls[command](input) };
};

test("the four steps make a new current value", async () => {
  const { secretsManager } = await import("./index.mjs");
  const arns = Object.keys(process.env)
    .filter((k) => k.endsWith("_SECRET_ARN") && process.env[k.slice(0, -"_SECRET_ARN".length) + "_ROTATION"])
    .map((k) => process.env[k]);
  assert.ok(arns.length > 0);
  for (const arn of arns) {
    const fake = fakeSecretsManager();
    secretsManager.send = fake.send;
    const rotate = async (token) => {
      for (const Step of ["createSecret", "setSecret", "testSecret", "finishSecret"]) await handler({ SecretId: arn, ClientRequestToken: token, Step });
    };
    await rotate("v1"); // the first value: no current one yet
    await rotate("v2");
    assert.deepEqual(fake.stages, { v1: ["AWSPREVIOUS"], v2: ["AWSCURRENT"] });
    assert.notEqual(fake.values.v1, fake.values.v2);
  }
});

test("a secret is fetched once, then cached", async () => {
  const mod = await import("./index.mjs");
  const calls = [];
  mod.secretSource.fetch = async (envKey, ref) => {
    calls.push(ref);
    return "value";
  };
  assert.equal(await mod.getSecret("PARTNER_KEY_SECRET_ARN"), "value");
  assert.equal(await mod.getSecret("PARTNER_KEY_SECRET_ARN"), "value");
  assert.deepEqual(calls, [process.env["PARTNER_KEY_SECRET_ARN"]]);
});
