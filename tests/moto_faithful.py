"""`python tests/moto_faithful.py -H HOST -p PORT`: moto's server, corrected where it differs from AWS
in ways that would show up as a Terraform drift that real AWS does not have.

Each correction below was found by the e2e apply test (`apply` then `plan -detailed-exitcode`)
and makes moto answer like the AWS API does; none changes what the generated Terraform sends.

* Lambda LoggingConfig: moto 5.2 drops `LoggingConfig` from CreateFunction/UpdateFunctionConfiguration
  and never returns it, so every function with a `logging_config` block plans an update forever.
  AWS stores it and returns it from GetFunction (defaults: Text format, /aws/lambda/<name>).
* Lambda DeadLetterConfig: moto 5.2 ignores it on CreateFunction/UpdateFunctionConfiguration and
  never returns it, so every async-invoked function (which sls-gen gives a dead-letter queue)
  plans an update forever. AWS stores it and returns it from GetFunction.
* Lambda ImageConfigResponse: moto 5.2 returns it for every image function, with empty `Command`
  and `EntryPoint` lists when none was set, so the provider plans to remove an `image_config`
  block forever. AWS returns only the values that were set (none: no ImageConfigResponse).
* SQS RedrivePolicy / Policy: moto serialises them with `json.dumps` defaults (`", "` and `": "`
  separators); AWS returns the compact JSON it was given. The AWS provider then reports
  "whitespace changes" on every plan.
"""

from __future__ import annotations

import json
import types


def _patch_lambda() -> None:
    from moto.awslambda import models

    fn_cls = models.LambdaFunction
    init, get_configuration, update_configuration = (
        fn_cls.__init__,
        fn_cls.get_configuration,
        fn_cls.update_configuration,
    )

    def _logging(name: str, given: dict | None) -> dict:
        cfg = {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"}
        cfg.update(given or {})
        if cfg["LogFormat"] == "JSON":
            cfg.setdefault("ApplicationLogLevel", "INFO")
            cfg.setdefault("SystemLogLevel", "INFO")
        return cfg

    def __init__(self, account_id, spec, region, version=1):
        init(self, account_id, spec, region, version)
        self.logging_config = _logging(self.function_name, spec.get("LoggingConfig"))
        self.dead_letter_config = spec.get("DeadLetterConfig") or None

    def get_config(self, *args, **kwargs):
        config = get_configuration(self, *args, **kwargs)
        config["LoggingConfig"] = getattr(self, "logging_config", None) or _logging(self.function_name, None)
        if getattr(self, "dead_letter_config", None) and (self.dead_letter_config.get("TargetArn")):
            config["DeadLetterConfig"] = self.dead_letter_config
        image = config.get("ImageConfigResponse", {}).get("ImageConfig")
        if image is not None:
            image = {k: v for k, v in image.items() if v not in ([], None)}
            if image:
                config["ImageConfigResponse"] = {"ImageConfig": image}
            else:
                del config["ImageConfigResponse"]
        return config

    def update_config(self, config_updates):
        if "LoggingConfig" in config_updates:
            self.logging_config = _logging(self.function_name, config_updates["LoggingConfig"])
        if "DeadLetterConfig" in config_updates:
            self.dead_letter_config = config_updates["DeadLetterConfig"] or None
        return update_configuration(self, config_updates)

    fn_cls.__init__ = __init__
    fn_cls.get_configuration = get_config
    fn_cls.update_configuration = update_config


def _patch_sqs() -> None:
    from moto.sqs import models

    compact = types.ModuleType("json_compact")
    compact.__dict__.update(json.__dict__)
    compact.dumps = lambda obj, **kw: json.dumps(obj, **{"separators": (",", ":"), **kw})
    models.json = compact


def main(argv: list[str] | None = None) -> None:
    _patch_lambda()
    _patch_sqs()
    from moto.server import main as moto_main

    moto_main(argv)


if __name__ == "__main__":
    main()
