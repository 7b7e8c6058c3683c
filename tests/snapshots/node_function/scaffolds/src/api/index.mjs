// api.
// Scaffolded once by sls-gen from blueprint.yaml; this file is yours to edit and is never overwritten.

// Init phase: clients and resource names are set up once per execution environment, not per event.
const EVENTS_QUEUE_URL = process.env.EVENTS_QUEUE_URL;
const NOTES_TABLE_NAME = process.env.NOTES_TABLE_NAME;

// With the JSON log format, console.log objects become structured log lines.
const log = (level, message, fields = {}) => console.log(JSON.stringify({ level, message, ...fields }));

export const handler = async (event) => {
  log("INFO", "request", { route: event.routeKey, requestId: event.requestContext?.requestId });
  const body = event.body ? JSON.parse(event.body) : null;
  return {
    statusCode: 200,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ok: true, received: body }),
  };
};
