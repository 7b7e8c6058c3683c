"""Lambda Insights (`observability.insights: true`): the extension layer per region and architecture.

AWS publishes one layer version ARN per region and architecture ("Available versions of the
Lambda Insights extension", docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/
Lambda-Insights-extension-versions.html, the x86-64 and ARM64 pages). The table below is that
page's extension version 1.0.229.0, as the AWS CDK carries it (region-info fact table
CLOUDWATCH_LAMBDA_INSIGHTS_ARNS). The region is known only when Terraform plans, so insights.tf
holds the table for the architectures in use and each function reads its entry with
`local.region`; a region missing from it fails the plan, and checks refuse a stage region that
is missing before that (SLS302).
"""

from __future__ import annotations

from generator.emit.hcl import Raw

VERSION = "1.0.229.0"

_ACCOUNT = {  # the publishing account per region (580247275435 unless listed)
    "af-south-1": "012438385374",
    "ap-east-1": "519774774795",
    "ap-northeast-3": "194566237122",
    "ap-south-2": "891564319516",
    "ap-southeast-3": "439286490199",
    "cn-north-1": "488211338238",
    "cn-northwest-1": "488211338238",
    "eu-central-2": "033019950311",
    "eu-south-1": "339249233099",
    "eu-south-2": "352183217350",
    "me-central-1": "732604637566",
    "me-south-1": "285320876703",
}

# architecture -> region -> layer version of extension 1.0.229.0
_VERSIONS = {
    "arm64": {
        "af-south-1": 2, "ap-east-1": 2, "ap-northeast-1": 11, "ap-northeast-2": 4, "ap-northeast-3": 2,
        "ap-south-1": 7, "ap-southeast-1": 5, "ap-southeast-2": 5, "ap-southeast-3": 2, "ca-central-1": 3,
        "eu-central-1": 5, "eu-north-1": 3, "eu-south-1": 2, "eu-west-1": 5, "eu-west-2": 5, "eu-west-3": 3,
        "me-south-1": 2, "sa-east-1": 3, "us-east-1": 5, "us-east-2": 7, "us-west-1": 3, "us-west-2": 5,
    },
    "x86_64": {
        "af-south-1": 28, "ap-east-1": 28, "ap-northeast-1": 60, "ap-northeast-2": 37, "ap-northeast-3": 19,
        "ap-south-1": 36, "ap-south-2": 10, "ap-southeast-1": 38, "ap-southeast-2": 38, "ap-southeast-3": 14,
        "ca-central-1": 37, "cn-north-1": 29, "cn-northwest-1": 29, "eu-central-1": 38, "eu-central-2": 11,
        "eu-north-1": 35, "eu-south-1": 28, "eu-south-2": 12, "eu-west-1": 38, "eu-west-2": 38, "eu-west-3": 37,
        "me-central-1": 11, "me-south-1": 28, "sa-east-1": 37, "us-east-1": 38, "us-east-2": 38, "us-west-1": 38,
        "us-west-2": 38,
    },
}


def layer_arn(architecture: str, region: str) -> str | None:
    """The extension's layer ARN in `region` for `architecture`, or None where AWS publishes none."""
    version = _VERSIONS.get(architecture, {}).get(region)
    if version is None:
        return None
    partition = "aws-cn" if region.startswith("cn-") else "aws"
    name = "LambdaInsightsExtension" + ("-Arm64" if architecture == "arm64" else "")
    return f"arn:{partition}:lambda:{region}:{_ACCOUNT.get(region, '580247275435')}:layer:{name}:{version}"


def regions(architecture: str) -> tuple[str, ...]:
    return tuple(sorted(_VERSIONS.get(architecture, {})))


def insights_tables(architectures) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """(architecture, ((region, layer ARN), ...)) for insights.tf."""
    return tuple((arch, tuple((r, layer_arn(arch, r)) for r in regions(arch))) for arch in architectures)


def insights_layer(architecture: str) -> Raw:
    """The HCL expression of the layer ARN for a function of `architecture` in the stage's region."""
    return Raw(f"local.lambda_insights_layers.{architecture}[local.region]")
