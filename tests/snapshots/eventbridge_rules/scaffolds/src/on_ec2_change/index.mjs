// on-ec2-change.
// Scaffolded once by sls-gen from blueprint.yaml; this file is yours to edit and is never overwritten.

// Init phase: clients and resource names are set up once per execution environment, not per event.

// With the JSON log format, console.log objects become structured log lines.
const log = (level, message, fields = {}) => console.log(JSON.stringify({ level, message, ...fields }));

// Handle one event; throw to have Lambda retry it (then it goes to the failures queue).
export const processEvent = async (source, detailType, detail) => {
  log("INFO", "event", { source, detailType, detail });
};

// EventBridge event (asynchronous invocation). With `input_path` only that part arrives.
export const handler = async (event) => {
  if (!("detail-type" in event)) {
    // input_path passed a fragment, e.g. $.detail
    await processEvent(null, null, event);
    return { ok: true };
  }
  await processEvent(event.source, event["detail-type"], event.detail ?? {});
  return { ok: true, id: event.id };
};
