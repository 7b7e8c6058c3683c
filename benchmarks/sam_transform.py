"""Peer driver, run with the peers' venv: the AWS SAM translator's transform of template.json.

What `sam build`/`sam deploy` run locally before CloudFormation sees the template; the output is
written next to the input so its size can be compared.
"""

import json
import sys
from pathlib import Path

from samtranslator.translator.transform import transform


class NoManagedPolicies:
    """The translator asks IAM for AWS managed policy ARNs; the benchmark app uses none."""

    def load(self):
        return {}


def main() -> None:
    src = Path(sys.argv[1])
    template = json.loads(src.read_text())
    params = {"AWS::Region": "eu-west-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws"}
    out = transform(template, params, NoManagedPolicies())
    (src.parent / "cloudformation.json").write_text(json.dumps(out, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
