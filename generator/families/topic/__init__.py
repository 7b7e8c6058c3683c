"""The topic family: sNS topics; the `topic` event and use."""
