"""The schedule family: eventBridge Scheduler schedules: the `schedule` event."""
