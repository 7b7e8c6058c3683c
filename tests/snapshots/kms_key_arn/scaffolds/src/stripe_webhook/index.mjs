// stripe-webhook.
// Scaffolded once by sls-gen from blueprint.yaml; this file is yours to edit and is never overwritten.

// Init phase: clients and resource names are set up once per execution environment, not per event.
const PAYMENT_EVENTS_TOPIC_ARN = process.env.PAYMENT_EVENTS_TOPIC_ARN;
const WEBHOOK_SIGNING_2_SECRET_ARN = process.env.WEBHOOK_SIGNING_2_SECRET_ARN;

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

// getSecret(key) for WEBHOOK_SIGNING_2_SECRET_ARN: the environment holds only the ARN or parameter name.
export const getSecret = async (envKey) => {
  const hit = secretCache.get(envKey);
  if (hit && Date.now() - hit.at < SECRET_TTL_MS) return hit.value;
  const value = await secretSource.fetch(envKey, process.env[envKey]);
  secretCache.set(envKey, { value, at: Date.now() });
  return value;
};

export const handler = async (event, context) => {
  begin(event, context);
  log("INFO", "request", { route: event.routeKey, requestId: event.requestContext?.requestId });
  const body = event.body ? JSON.parse(event.body) : null;
  return {
    statusCode: 200,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ok: true, received: body }),
  };
};
