"""The bus family: eventBridge buses; the `eventbridge` event (a rule) and the `bus` use."""
