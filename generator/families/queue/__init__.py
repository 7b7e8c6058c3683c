"""The queue family: sQS queues, their dead-letter queues and `subscribe` fan-in; the `queue` event and use."""
