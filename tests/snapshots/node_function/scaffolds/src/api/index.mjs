// api.
// Scaffolded once by sls-gen from blueprint.yaml; this file is yours to edit and is never overwritten.

// Init phase: clients and resource names are set up once per execution environment, not per event.
const EVENTS_QUEUE_URL = process.env.EVENTS_QUEUE_URL;
const NOTES_TABLE_NAME = process.env.NOTES_TABLE_NAME;

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
