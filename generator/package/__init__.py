"""Stage 6 of the pipeline (package): each function's deployment package and, where its code folder
does not exist yet, its scaffold.

- stage.py: the stage itself (`package`), asked by generator/pipeline.py after emit.
- reads.py: what it reads on disk, each path once, as typed states (generator/fingerprint.py).
- zips.py: deterministic zips, and the tree fingerprints that say when one can be reused.
- reuse.py: the previous render's zips that may be reused.
- compiled.py: compiled runtimes' artifacts, copied as built.
- size.py: a large zip is a warning (SLS504).

No module here is imported by the package's __init__: the no-op check uses zips.py's fingerprints
without loading the stage.
"""
