// nightly-report.
// Scaffolded once by sls-gen from blueprint.yaml; this file is yours to edit and is never overwritten.

// Init phase: clients and resource names are set up once per execution environment, not per event.

// With the JSON log format, console.log objects become structured log lines.
const log = (level, message, fields = {}) => console.log(JSON.stringify({ level, message, ...fields }));

// The scheduled work; throw to have Lambda retry (then the event goes to the failures queue).
export const run = async (job) => {
  log("INFO", "scheduled run", { input: job });
  return { ran: true };
};

// EventBridge Scheduler invocation: the event is the schedule's constant `input` ({} without one).
export const handler = async (event) => run(event ?? {});
