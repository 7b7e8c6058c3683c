"""Stage 5 of the pipeline (emit): plan -> files (Terraform, scaffolds), all in memory."""
