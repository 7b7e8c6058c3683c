// nightly-report: count yesterday's receipts and spot-check an order through get-order.
import { S3Client, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { LambdaClient, InvokeCommand } from "@aws-sdk/client-lambda";

// Init phase: clients are created once per execution environment.
const s3 = new S3Client({});
const lambda = new LambdaClient({});
const BUCKET = process.env.RECEIPTS_BUCKET_NAME;
const GET_ORDER = process.env.GET_ORDER_FUNCTION_NAME;

const log = (level, message, fields = {}) => console.log(JSON.stringify({ level, message, ...fields }));

export const handler = async (event) => {
  const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  let count = 0;
  let token;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `receipts/${day}/`, ContinuationToken: token }));
    count += page.KeyCount ?? 0;
    token = page.NextContinuationToken;
  } while (token);
  if (event?.sample_order_id) {
    const res = await lambda.send(new InvokeCommand({
      FunctionName: GET_ORDER,
      Payload: JSON.stringify({ pathParameters: { id: event.sample_order_id } }),
    }));
    log("INFO", "spot check", { status: res.StatusCode });
  }
  log("INFO", "nightly report", { day, receipts: count });
  return { day, receipts: count };
};
