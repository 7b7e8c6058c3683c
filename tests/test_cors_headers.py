"""CORS preflight headers: SigV4-signed (`auth: iam`) browser calls need their signature headers admitted."""

from __future__ import annotations

import pytest

from rendering import render_text

BLUEPRINT = """\
service: corsy
api:
  type: {type}
  cors: {{origins: ["https://app.example.com"], methods: [GET]{headers}}}
functions:
  f:
    runtime: python3.12
    events:
      - http: GET /x
        auth: {auth}
"""


@pytest.mark.parametrize("api_type", ["http", "rest"])
@pytest.mark.parametrize(
    "auth, headers, signed",
    [("iam", "", True), ("none", "", False), ("iam", ", headers: [content-type]", False)],
)
def test_sigv4_headers_are_admitted_only_for_iam_routes_without_explicit_headers(tmp_path, api_type, auth, headers, signed):
    result, out, _ = render_text(BLUEPRINT.format(type=api_type, auth=auth, headers=headers), tmp_path)
    assert result.exit_code == 0, result.output
    api = (out / "dev" / "api.tf").read_text()
    assert ("x-amz-security-token" in api) is signed
    assert "content-type" in api
