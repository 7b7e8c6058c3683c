"""The service's own handler, unchanged by the move: it reads TABLE_NAME and QUEUE_URL."""

import json
import os

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
SQS = boto3.client("sqs")


def handler(event, context):
    order = {"orderId": event["orderId"], "customerId": event["customerId"], "status": "NEW"}
    TABLE.put_item(Item=order)
    sent = SQS.send_message(
        QueueUrl=os.environ["QUEUE_URL"],
        MessageBody=json.dumps(order),
        MessageGroupId=order["customerId"],
    )
    return {
        "orderId": order["orderId"],
        "messageId": sent["MessageId"],
        "greeting": os.environ["GREETING"],
        "partner": os.environ["PARTNER_URL"],
    }
