"""sls-gen: render a serverless blueprint (YAML) into Terraform root modules and handler scaffolds."""

__version__ = "0.1.0"
