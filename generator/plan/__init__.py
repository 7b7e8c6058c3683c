"""Stage 4 of the pipeline (plan): blueprint -> a resolved, frozen StagePlan per stage."""
