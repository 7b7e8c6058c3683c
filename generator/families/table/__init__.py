"""The table family: dynamoDB tables (indexes, TTL, replicas, streams); the `table` use and the `stream` event."""
