"""The table family: DynamoDB tables (indexes, TTL, replicas, streams); the `table` use and the `stream` event."""
