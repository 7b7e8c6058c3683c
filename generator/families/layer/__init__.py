"""The layer family: Lambda layers this service builds from a folder (`layers:`), shared by its
functions (`layers:` on a function or in `defaults`, beside external layer version ARNs).

A layer is packaged like a function's code (generator/package/layers.py): its dependencies are
installed for Lambda's platform, never the host's, and its zip is deterministic and cached.
"""

# Parts of the family checklist (docs/adding-a-family.md) that do not apply, and why.
WHY_NOT = {
    "alarms": "a layer runs inside its functions: their errors and alarms cover it",
    "emulator": "no bundled blueprint has a layer; tests/test_e2e_layers.py applies layers (built and external) "
    "and image functions on the emulator instead",
}
