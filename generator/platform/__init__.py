"""Cross-cutting platform features (issue 17): org profiles (`extends:`), locked keys, guardrails.

Reached from the pipeline's load step (`load_blueprint`) and from the checks registry; nothing
here names an AWS kind.
"""
