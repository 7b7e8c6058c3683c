// edge-auth.
// Scaffolded once by sls-gen from blueprint.yaml; this file is yours to edit and is never overwritten.

// Init phase: clients and resource names are set up once per execution environment, not per event.

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

// viewer-request / origin-request: return the request (changed or not) to let it through, or a
// response ({ status: "403", ... }) to answer without the origin.
export const onRequest = async (request, eventType) => {
  log("INFO", "request", { eventType, uri: request.uri });
  return request;
};

// origin-response / viewer-response: return the response (a viewer-response may not change the status).
export const onResponse = async (response, request, eventType) => {
  response.headers ??= {};
  response.headers["x-served-by"] = [{ key: "X-Served-By", value: "lambda-at-edge" }];
  return response;
};

// Lambda@Edge: one CloudFront record; environment variables are not available at the edge.
export const handler = async (event) => {
  const cf = event.Records[0].cf;
  const eventType = cf.config.eventType;
  return eventType.endsWith("-response") ? onResponse(cf.response, cf.request, eventType) : onRequest(cf.request, eventType);
};
