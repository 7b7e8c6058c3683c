"""The queue family: SQS queues, their dead-letter queues and `subscribe` fan-in; the `queue` event and use."""
