"""The function family: lambda functions: their settings, `iam:` statements and the `uses: {function: ...}` grant."""
