"""The observability family: alarms and the stage dashboard."""
