"""The edge family: `edge:`, a CloudFront distribution in front of the API and/or buckets, with
CloudFront Functions and Lambda@Edge (blueprint functions it places in us-east-1)."""

# Parts of the family checklist (docs/adding-a-family.md) that do not apply, and why.
WHY_NOT = {
    "alarms": "no failure queue: its alarms (5xx rate, Lambda@Edge errors) are its own, in us-east-1 where "
              "CloudFront reports (edge.tf), planned when observability.alarms is set",
    "emulator": "moto does not implement CloudFront's CreateResponseHeadersPolicy (it answers 500, which the AWS "
                "provider retries until it times out), so no bundled blueprint uses edge; "
                "tests/families/test_edge.py::test_emulator_apply probes moto and applies once it can",
}
