// cleanup.
// Scaffolded once by sls-gen from blueprint.yaml; this file is yours to edit and is never overwritten.

// Init phase: clients and resource names are set up once per execution environment, not per event.
const ARCHIVE_BUCKET_NAME = process.env.ARCHIVE_BUCKET_NAME;
const UPLOADS_BUCKET_NAME = process.env.UPLOADS_BUCKET_NAME;

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

// With the JSON log format, console.log objects become structured log lines.
const log = (level, message, fields = {}) => console.log(JSON.stringify({ level, message, ...invocation, ...fields }));

// Handle one object event; throw to fail the invocation (S3 invokes asynchronously and retries).
export const handleObject = async (bucket, key, record) => {
  log("INFO", "object", { bucket, key, eventName: record.eventName });
};

// S3 event notification -> one call per object. Keys arrive URL-encoded ("+" for spaces).
export const handler = async (event, context, handle = handleObject) => {
  begin(event, context);
  for (const record of event.Records) {
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, " "));
    await handle(record.s3.bucket.name, key, record);
  }
  return { processed: event.Records.length };
};
