// rotate-partner.
// Scaffolded once by sls-gen from blueprint.yaml; this file is yours to edit and is never overwritten.

// Init phase: clients and resource names are set up once per execution environment, not per event.
const PARTNER_KEY_SECRET_ARN = process.env.PARTNER_KEY_SECRET_ARN;

// Every line carries coldStart (the first event of this execution environment) and correlationId
// (the caller's, else the request id): the stage's saved Logs Insights queries read both.
const invocation = { coldStart: undefined, correlationId: undefined };

// Start of an invocation: note a cold start and the correlation id (an x-correlation-id header, a
// correlationId message attribute or field, else the Lambda request id).
export const begin = (event, context) => {
  invocation.coldStart = invocation.coldStart === undefined;
  const headers = Object.fromEntries(Object.entries(event?.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const record = Array.isArray(event?.Records) ? event.Records[0] ?? {} : {};
  const attribute = (record.messageAttributes ?? record.Sns?.MessageAttributes ?? {}).correlationId ?? {};
  const found = headers["x-correlation-id"] ?? attribute.stringValue ?? attribute.Value ?? event?.detail?.correlationId ?? event?.correlationId;
  invocation.correlationId = found ? String(found) : context?.awsRequestId;
  return invocation.correlationId;
};

// With Lambda's JSON log format (AWS_LAMBDA_LOG_FORMAT=JSON, the default here) the runtime writes
// {timestamp, level, requestId, message} and keeps an object given to console as that `message`,
// so the queries read message.correlationId; a string would stay an opaque string. With the text
// format, one JSON line.
const methods = { DEBUG: "debug", INFO: "info", WARN: "warn", ERROR: "error" };
const log = (level, message, fields = {}) => {
  const record = { message, ...invocation, ...fields };
  const json = process.env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === "JSON";
  console[methods[level] ?? "info"](json ? record : JSON.stringify({ level, ...record }));
};

// Secrets are fetched on first use, never at import, and cached for a few minutes so a rotated value
// is picked up without a cold start. The AWS SDK v3 ships with the Node.js Lambda runtime.
const SECRET_TTL_MS = 5 * 60 * 1000;
const secretCache = new Map();
export const secretSource = {
  fetch: async (envKey, ref) => {
    if (envKey.endsWith("_SECRET_ARN")) {
      const { SecretsManagerClient, GetSecretValueCommand } = await import("@aws-sdk/client-secrets-manager");
      const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: ref }));
      return out.SecretString;
    }
    const { SSMClient, GetParameterCommand } = await import("@aws-sdk/client-ssm");
    const out = await new SSMClient({}).send(new GetParameterCommand({ Name: ref, WithDecryption: true }));
    return out.Parameter.Value;
  },
};

// getSecret(key) for PARTNER_KEY_SECRET_ARN: the environment holds only the ARN or parameter name.
export const getSecret = async (envKey) => {
  const hit = secretCache.get(envKey);
  if (hit && Date.now() - hit.at < SECRET_TTL_MS) return hit.value;
  const value = await secretSource.fetch(envKey, process.env[envKey]);
  secretCache.set(envKey, { value, at: Date.now() });
  return value;
};

// Secrets Manager invokes this function four times per rotation, once per step, with the secret's
// ARN and the new version's id (ClientRequestToken). Each step must be safe to run again.
// `secretsManager.send(command, input)` is the one door to the service (tests replace it); the AWS
// SDK v3 ships with the Node.js Lambda runtime.
let sdkClient;
export const secretsManager = {
  send: async (command, input) => {
    const sdk = await import("@aws-sdk/client-secrets-manager");
    sdkClient ??= new sdk.SecretsManagerClient({});
    return sdkClient.send(new sdk[`${command}Command`](input));
  },
};

// The generation rules sls-gen passes for the secret `arn` (<NAME>_SECRET_ARN and <NAME>_ROTATION).
export const rulesFor = (arn) => {
  for (const [key, value] of Object.entries(process.env)) {
    if (key.endsWith("_SECRET_ARN") && value === arn) {
      const rules = process.env[key.slice(0, -"_SECRET_ARN".length) + "_ROTATION"];
      if (rules) return JSON.parse(rules);
    }
  }
  throw new Error(`this function does not rotate ${arn}`);
};

// The secret's value at `stage` (and version `token`), or undefined when there is none yet.
const valueOf = async (arn, stage, token) => {
  try {
    const out = await secretsManager.send("GetSecretValue", { SecretId: arn, VersionStage: stage, ...(token ? { VersionId: token } : {}) });
    return out.SecretString;
  } catch (err) {
    if (err.name === "ResourceNotFoundException") return undefined;
    throw err;
  }
};

// A new password by the rules; JSON values keep their other keys (the current value's, else the template).
const newValue = async (arn, rules) => {
  const { RandomPassword: password } = await secretsManager.send("GetRandomPassword", rules.password);
  const current = await valueOf(arn, "AWSCURRENT");
  let doc;
  try {
    doc = current ? JSON.parse(current) : undefined;
  } catch {
    doc = undefined;
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) doc = rules.template ? { ...rules.template } : undefined;
  if (doc === undefined) return password;
  doc[rules.key ?? "password"] = password;
  return JSON.stringify(doc);
};

// Step 1: store a new value as the AWSPENDING version `token` (once: a retry keeps it).
const createSecret = async (arn, token, rules) => {
  if ((await valueOf(arn, "AWSPENDING", token)) !== undefined) return;
  const value = await newValue(arn, rules);
  await secretsManager.send("PutSecretValue", { SecretId: arn, ClientRequestToken: token, SecretString: value, VersionStages: ["AWSPENDING"] });
  log("INFO", "created the pending value", { secret: arn, version: token });
};

// Step 2: give the pending value to the system the secret opens (e.g. ALTER USER ... PASSWORD).
// Nothing to do for a secret only this service reads; replace this for a database or an API key.
const setSecret = async (arn, token) => {
  log("INFO", "set step: nothing to change outside Secrets Manager", { secret: arn, version: token });
};

// Step 3: prove the pending value works (log in with it). Here: it exists and has the password key.
const testSecret = async (arn, token, rules) => {
  const value = await valueOf(arn, "AWSPENDING", token);
  if (value === undefined) throw new Error(`version ${token} of ${arn} has no pending value`);
  if (rules.template && !((rules.key ?? "password") in JSON.parse(value))) throw new Error(`version ${token} of ${arn} lacks its password key`);
};

// Step 4: make the pending version current (the old one becomes AWSPREVIOUS).
const finishSecret = async (arn, token) => {
  const { VersionIdsToStages: stages = {} } = await secretsManager.send("DescribeSecret", { SecretId: arn });
  const current = Object.keys(stages).find((v) => stages[v].includes("AWSCURRENT"));
  if (current === token) return;
  await secretsManager.send("UpdateSecretVersionStage", { SecretId: arn, VersionStage: "AWSCURRENT", MoveToVersionId: token, ...(current ? { RemoveFromVersionId: current } : {}) });
  log("INFO", "rotated", { secret: arn, version: token });
};

const STEPS = { createSecret, setSecret, testSecret, finishSecret };

// One rotation step: {SecretId: ARN, ClientRequestToken: version id, Step: createSecret|...}.
export const handler = async (event, context) => {
  begin(event, context);
  const { SecretId: arn, ClientRequestToken: token, Step: step } = event;
  if (!(step in STEPS)) throw new Error(`unknown rotation step ${step}`);
  const rules = rulesFor(arn);
  const meta = await secretsManager.send("DescribeSecret", { SecretId: arn });
  if (!meta.RotationEnabled) throw new Error(`rotation is not enabled on ${arn}`);
  const stages = meta.VersionIdsToStages ?? {};
  if ((stages[token] ?? []).includes("AWSCURRENT")) {
    log("INFO", "version is already current", { secret: arn, version: token });
    return;
  }
  // The first rotation of a secret without a value has no staged version yet: createSecret makes it.
  if (step !== "createSecret" && !(stages[token] ?? []).includes("AWSPENDING")) throw new Error(`version ${token} of ${arn} is not pending rotation`);
  await STEPS[step](arn, token, rules);
};
