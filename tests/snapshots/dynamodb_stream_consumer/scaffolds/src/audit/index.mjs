// audit.
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

// Handle one stream record (DynamoDB JSON); throw to retry the batch from this record.
export const handleRecord = async (record) => {
  const { Keys, NewImage } = record.dynamodb;
  log("INFO", "change", { eventName: record.eventName, keys: Keys, newImage: NewImage });
};

// DynamoDB stream batch -> partial batch response. Records of a shard must stay in order: stop at
// the first failure and report its sequence number, so Lambda retries from there.
export const handler = async (event, context, handle = handleRecord) => {
  begin(event, context);
  for (const record of event.Records) {
    try {
      await handle(record);
    } catch (err) {
      log("ERROR", "record failed", { sequenceNumber: record.dynamodb.SequenceNumber, error: String(err) });
      return { batchItemFailures: [{ itemIdentifier: record.dynamodb.SequenceNumber }] };
    }
  }
  return { batchItemFailures: [] };
};
