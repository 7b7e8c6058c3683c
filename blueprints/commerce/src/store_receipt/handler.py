"""store-receipt: file each uploaded PDF receipt under receipts/<date>/."""

import logging
import os
import urllib.parse

import boto3

logger = logging.getLogger()
logger.setLevel(os.environ.get("AWS_LAMBDA_LOG_LEVEL", "INFO"))

S3 = boto3.client("s3")
BUCKET = os.environ["RECEIPTS_BUCKET_NAME"]


def handler(event, context):
    stored = []
    for record in event["Records"]:
        key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])
        date = record["eventTime"][:10]
        target = f"receipts/{date}/{key.rsplit('/', 1)[-1]}"
        S3.copy_object(Bucket=BUCKET, Key=target, CopySource={"Bucket": BUCKET, "Key": key})
        stored.append(target)
        logger.info("receipt stored", extra={"source": key, "target": target})
    return {"stored": stored}
