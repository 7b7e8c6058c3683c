"""The function family: Lambda functions: their settings, `iam:` statements and the `uses: {function: ...}` grant."""
