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
* CloudFront response headers policies: moto 5.2 has no Create/Get/GetConfig/Update/Delete/
  ListResponseHeadersPolicy (it answers 500 NotImplemented, which the AWS provider retries for many
  minutes). Added here as the CloudFront API reference describes them (2020-05-31): the config is
  stored and echoed back as sent, with an `Id`, a `LastModifiedTime` and an `ETag` header that
  changes on every update; Update and Delete need the current ETag in `If-Match`
  (InvalidIfMatchVersion when missing, PreconditionFailed when stale); names are unique
  (ResponseHeadersPolicyAlreadyExists); an unknown id is NoSuchResponseHeadersPolicy; a policy a
  distribution still uses cannot be deleted (ResponseHeadersPolicyInUse).
* CloudFront cache behaviors: moto 5.2 gives every cache behavior a default `ForwardedValues`
  (no query string, no cookies) when none was sent; AWS returns `ForwardedValues` only when the
  behavior was created with it (it is the legacy alternative to `CachePolicyId`; API reference,
  CacheBehavior/DefaultCacheBehavior), so the provider plans to remove `forwarded_values` forever.
* CloudFront ViewerCertificate: moto 5.2 answers `SSLSupportMethod: sni-only` when none was sent;
  AWS sets it only with a custom certificate (API reference, ViewerCertificate: with
  `CloudFrontDefaultCertificate` "don't set a value for this field"), so the provider plans to
  remove `ssl_support_method` forever.
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


def _patch_cloudfront() -> None:
    """CloudFront: cache behaviors and viewer certificate as AWS returns them; response headers
    policies (API reference: CreateResponseHeadersPolicy,
    GetResponseHeadersPolicy, GetResponseHeadersPolicyConfig, UpdateResponseHeadersPolicy,
    DeleteResponseHeadersPolicy, ListResponseHeadersPolicies)."""
    from moto.cloudfront import models
    from moto.cloudfront.exceptions import CloudFrontException, InvalidIfMatchVersion
    from moto.cloudfront.models import random_id
    from moto.cloudfront.responses import CloudFrontResponse
    from moto.core.responses import ActionResult, EmptyResult
    from moto.core.utils import utcnow

    behavior_init = models.DefaultCacheBehaviour.__init__  # CacheBehaviour's __init__ calls it too
    certificate_init = models.ViewerCertificate.__init__

    def behavior(self, config):
        behavior_init(self, config)
        if "ForwardedValues" not in config:
            self.forwarded_values = None

    def certificate(self, config):
        certificate_init(self, config)
        self.ssl_support_method = config.get("SSLSupportMethod") or None

    models.DefaultCacheBehaviour.__init__ = behavior
    models.ViewerCertificate.__init__ = certificate

    def error(code: str, message: str) -> CloudFrontException:
        return CloudFrontException(code, message)

    def policies(self) -> dict:
        return self.backend.__dict__.setdefault("response_headers_policies", {})

    def find(self) -> dict:
        policy = policies(self).get(self._get_param("Id"))
        if policy is None:
            raise error("NoSuchResponseHeadersPolicy", "The response headers policy does not exist.")
        return policy

    def check_if_match(self, policy: dict) -> None:
        if_match = self._get_param("IfMatch")
        if not if_match:
            raise InvalidIfMatchVersion
        if if_match != policy["ETag"]:
            raise error("PreconditionFailed", "The precondition in one or more of the request fields evaluated to false.")

    def check_name(self, config: dict, own_id: str | None) -> None:
        for other in policies(self).values():
            if other["Id"] != own_id and other["Config"].get("Name") == config.get("Name"):
                raise error("ResponseHeadersPolicyAlreadyExists",
                            "A response headers policy with this name already exists. You must provide a unique "
                            "name. To modify an existing response headers policy, use UpdateResponseHeadersPolicy.")

    def body(policy: dict) -> dict:
        return {"Id": policy["Id"], "LastModifiedTime": policy["LastModifiedTime"],
                "ResponseHeadersPolicyConfig": policy["Config"]}

    def create_response_headers_policy(self) -> ActionResult:
        config = self._get_param("ResponseHeadersPolicyConfig", {})
        check_name(self, config, None)
        policy = {"Id": random_id(), "ETag": random_id(), "LastModifiedTime": utcnow(), "Config": config}
        policies(self)[policy["Id"]] = policy
        location = f"https://cloudfront.amazonaws.com/2020-05-31/response-headers-policy/{policy['Id']}"
        return ActionResult({"ResponseHeadersPolicy": body(policy), "Location": location, "ETag": policy["ETag"]})

    def get_response_headers_policy(self) -> ActionResult:
        policy = find(self)
        return ActionResult({"ResponseHeadersPolicy": body(policy), "ETag": policy["ETag"]})

    def get_response_headers_policy_config(self) -> ActionResult:
        policy = find(self)
        return ActionResult({"ResponseHeadersPolicyConfig": policy["Config"], "ETag": policy["ETag"]})

    def update_response_headers_policy(self) -> ActionResult:
        policy = find(self)
        check_if_match(self, policy)
        config = self._get_param("ResponseHeadersPolicyConfig", {})
        check_name(self, config, policy["Id"])
        policy.update(Config=config, ETag=random_id(), LastModifiedTime=utcnow())
        return ActionResult({"ResponseHeadersPolicy": body(policy), "ETag": policy["ETag"]})

    def in_use(self, policy_id: str) -> bool:
        for dist in self.backend.distributions.values():
            config = dist.distribution_config
            behaviors = [config.DefaultCacheBehavior, *(config.CacheBehaviors.get("Items") or [])]
            if any(getattr(b, "response_headers_policy_id", None) == policy_id for b in behaviors):
                return True
        return False

    def delete_response_headers_policy(self) -> ActionResult:
        policy = find(self)
        check_if_match(self, policy)
        if in_use(self, policy["Id"]):
            raise error("ResponseHeadersPolicyInUse",
                        "Cannot delete the response headers policy because it is attached to one or more cache behaviors.")
        del policies(self)[policy["Id"]]
        return EmptyResult()

    def list_response_headers_policies(self) -> ActionResult:
        kind = self._get_param("Type")
        items = [] if kind == "managed" else [
            {"Type": "custom", "ResponseHeadersPolicy": body(p)} for p in policies(self).values()]
        max_items = self._get_int_param("MaxItems") or 100
        return ActionResult({"ResponseHeadersPolicyList": {
            "MaxItems": max_items, "Quantity": len(items), "Items": items or None}})

    for fn in (create_response_headers_policy, get_response_headers_policy, get_response_headers_policy_config,
               update_response_headers_policy, delete_response_headers_policy, list_response_headers_policies):
        setattr(CloudFrontResponse, fn.__name__, fn)


def main(argv: list[str] | None = None) -> None:
    _patch_lambda()
    _patch_sqs()
    _patch_cloudfront()
    from moto.server import main as moto_main

    moto_main(argv)


if __name__ == "__main__":
    main()
