// fulfil.
// Scaffolded once by sls-gen from blueprint.yaml; this file is yours to edit and is never overwritten.

// Init phase: clients and resource names are set up once per execution environment, not per event.

// With the JSON log format, console.log objects become structured log lines.
const log = (level, message, fields = {}) => console.log(JSON.stringify({ level, message, ...fields }));

// Handle one message; throw to have it retried (and dead-lettered after max receives).
export const processMessage = async (message) => {
  log("INFO", "message", { body: message });
};

// SQS batch -> partial batch response: only failed records are retried.
export const handler = async (event) => {
  const batchItemFailures = [];
  for (const record of event.Records) {
    try {
      await processMessage(JSON.parse(record.body));
    } catch (err) {
      log("ERROR", "record failed", { messageId: record.messageId, error: String(err) });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};
