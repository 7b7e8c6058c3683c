"""The api family: the API (HTTP or REST) and the `http` event that adds a route."""
