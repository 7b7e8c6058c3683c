"""The bus family: EventBridge buses; the `eventbridge` event (a rule) and the `bus` use."""

# Parts of the family checklist (docs/adding-a-family.md) that do not apply, and why: none. Rules
# that target a function dead-letter into its on-failure queue; rules that fan into a queue, into
# the queue's own `<queue>-events-dlq` (`dead_letters()`), and every rule's FailedInvocations and
# InvocationsFailedToBeSentToDlq are alarmed (`delivery_metrics()`).
WHY_NOT: dict[str, str] = {}
