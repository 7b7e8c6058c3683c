"""The parameter family: SSM String parameters this service owns, and the `parameter` use.

The worked example of docs/adding-a-family.md: everything about the kind lives in this folder.
"""
