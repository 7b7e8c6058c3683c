"""The secret family: secrets Manager secrets and existing SSM SecureString parameters; the `secret` use."""
