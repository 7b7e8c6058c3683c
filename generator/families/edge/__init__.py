"""The edge family: `edge:`, a CloudFront distribution in front of the API and/or buckets, with
CloudFront Functions and Lambda@Edge (blueprint functions it places in us-east-1)."""

# Parts of the family checklist (docs/adding-a-family.md) that do not apply, and why.
WHY_NOT = {
    "alarms": "no failure queue: its alarms (5xx rate, Lambda@Edge errors) are its own, in us-east-1 where "
              "CloudFront reports (edge.tf), planned when observability.alarms is set",
    "emulator": "no bundled blueprint uses edge yet (they are applied by tests/test_e2e.py); the edge_site case is "
                "applied on moto by tests/families/test_edge.py::test_emulator_apply, with the CloudFront "
                "response headers policy API that moto lacks added by tests/moto_faithful.py",
}
