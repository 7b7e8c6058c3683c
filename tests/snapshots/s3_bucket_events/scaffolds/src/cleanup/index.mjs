// cleanup.
// Scaffolded once by sls-gen from blueprint.yaml; this file is yours to edit and is never overwritten.

// Init phase: clients and resource names are set up once per execution environment, not per event.
const ARCHIVE_BUCKET_NAME = process.env.ARCHIVE_BUCKET_NAME;
const UPLOADS_BUCKET_NAME = process.env.UPLOADS_BUCKET_NAME;

// With the JSON log format, console.log objects become structured log lines.
const log = (level, message, fields = {}) => console.log(JSON.stringify({ level, message, ...fields }));

// Handle one object event; throw to fail the invocation (S3 invokes asynchronously and retries).
export const handleObject = async (bucket, key, record) => {
  log("INFO", "object", { bucket, key, eventName: record.eventName });
};

// S3 event notification -> one call per object. Keys arrive URL-encoded ("+" for spaces).
export const handler = async (event, context, handle = handleObject) => {
  for (const record of event.Records) {
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, " "));
    await handle(record.s3.bucket.name, key, record);
  }
  return { processed: event.Records.length };
};
