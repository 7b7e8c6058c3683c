// mailer.
// Scaffolded once by sls-gen from blueprint.yaml; this file is yours to edit and is never overwritten.

// Init phase: clients and resource names are set up once per execution environment, not per event.

// With the JSON log format, console.log objects become structured log lines.
const log = (level, message, fields = {}) => console.log(JSON.stringify({ level, message, ...fields }));

// SNS record -> { message, attributes }: JSON messages are decoded, other text is kept as is.
export const parse = (record) => {
  const sns = record.Sns;
  let message;
  try {
    message = JSON.parse(sns.Message);
  } catch {
    message = sns.Message;
  }
  const attributes = Object.fromEntries(Object.entries(sns.MessageAttributes ?? {}).map(([k, v]) => [k, v.Value]));
  return { message, attributes };
};

// Handle one message; throw to have Lambda retry the event (then it goes to the failures queue).
export const processMessage = async ({ message, attributes }) => {
  log("INFO", "message", { body: message, attributes });
};

// SNS notification (asynchronous invocation, one record per event).
export const handler = async (event) => {
  for (const record of event.Records) {
    await processMessage(parse(record));
  }
  return { processed: event.Records.length };
};
