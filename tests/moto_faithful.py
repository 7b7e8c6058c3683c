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
* Lambda SnapStart: moto 5.2 ignores `SnapStart` and always answers `{"ApplyOn": "None"}`, so every
  SnapStart function plans an update (and a new version) forever. AWS stores it.
* Lambda event source mappings on an alias: moto resolves the alias and answers the version's ARN
  as `FunctionArn`; AWS answers the ARN it was given (the alias's), which the provider reads back
  as `function_name`.
* Lambda provisioned concurrency: moto 5.2 has no Put/Get/DeleteProvisionedConcurrencyConfig at
  all (404), so no provisioned alias can be applied. Emulated here as AWS answers once allocation
  has finished.
* DynamoDB global tables (version 2019.11.21): moto 5.2 ignores UpdateTable's `ReplicaUpdates`
  and never lists `Replicas`, so the provider waits for replicas that never come. Emulated here:
  a replica is the table created in the other region, listed by every copy's DescribeTable.
* Concurrent requests: moto's server answers each request on its own thread, but its backends are
  plain dicts and lists without locks, so requests racing (a wrapper applying a dozen stages at a
  parallelism of 40) can fail half-way, after the change was made: a CreateFunction that created
  the function then failed is retried by the provider into "Function already exist" (409) until it
  gives up. AWS applies each request atomically, so requests are handled one at a time here.
* Lost answers: moto's server (werkzeug's development server, a connection per request closed
  after the answer) now and then loses an answer it wrote: the SDK sees the connection fail about
  0.1 s after the call was applied and retries it under the same `amz-sdk-invocation-id`, so a
  CreateFunction or CreateRole that succeeded ends in 409 "already exists" and a DeleteDashboards
  in 404. AWS's answers reach the client; here a retry of a call whose earlier attempt was
  answered 2xx gets that answer again instead of being applied twice (the server's log says so).
* Lambda layers shared by another account: moto 5.2 knows only the layers published in its own
  account and refuses any other layer ARN (UnknownLayerVersionException), so no function with an
  AWS-published layer (the Lambda Insights extension) can be created. AWS accepts a layer version
  of another account that its owner shared; moto cannot know other accounts' layers, so here a
  layer version ARN of another account is answered as that shared layer.
* AWS managed policies: moto 5.2 leaves them out unless told to load them
  (MOTO_IAM_LOAD_MANAGED_POLICIES), so attaching one (VPC access, Lambda Insights, a blueprint's
  `managed_policies:`) is NoSuchEntity. IAM User Guide, "AWS managed policies": "An AWS managed
  policy is a standalone policy that is created and administered by AWS", available in every
  account (arn:aws:iam::aws:policy/...). Loaded here.
* API Gateway (REST) integrations: moto 5.2 drops `cacheKeyParameters` from PutIntegration and
  answers `[]`, so every cached route with a path parameter plans an update (and a redeployment)
  forever. AWS stores them.
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
import re
import time
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
        self.snap_start_apply_on = (spec.get("SnapStart") or {}).get("ApplyOn", "None")

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
        # SnapStartResponse (Lambda API reference): "ApplyOn - When set to PublishedVersions, Lambda
        # creates a snapshot of the execution environment when you publish a function version.
        # OptimizationStatus - When you provide a qualified Amazon Resource Name (ARN), this response
        # element indicates whether SnapStart is activated for the specified function version."
        apply_on = getattr(self, "snap_start_apply_on", "None")
        published = str(self.version) != "$LATEST"
        config["SnapStart"] = {
            "ApplyOn": apply_on,
            "OptimizationStatus": "On" if apply_on == "PublishedVersions" and published else "Off",
        }
        return config

    def update_config(self, config_updates):
        if "LoggingConfig" in config_updates:
            self.logging_config = _logging(self.function_name, config_updates["LoggingConfig"])
        if "DeadLetterConfig" in config_updates:
            self.dead_letter_config = config_updates["DeadLetterConfig"] or None
        if "SnapStart" in config_updates:
            self.snap_start_apply_on = (config_updates["SnapStart"] or {}).get("ApplyOn", "None")
        return update_configuration(self, config_updates)

    fn_cls.__init__ = __init__
    fn_cls.get_configuration = get_config
    fn_cls.update_configuration = update_config
    _patch_lambda_alias_mappings(models)
    _patch_lambda_provisioned_concurrency(models)
    _patch_lambda_shared_layers(models)


_LAYER_VERSION = re.compile(r"^arn:(aws[a-z-]*):lambda:([a-z0-9-]+):([0-9]{12}):layer:([A-Za-z0-9_-]+):([0-9]+)$")


def _patch_lambda_shared_layers(models) -> None:
    """CreateFunction, Layers (Lambda API reference): "A list of function layers to add to the
    function's execution environment. Specify each layer by its ARN, including the version." The
    Developer Guide ("Adding layers to functions") adds: "you can add a layer ... from another
    account, as long as the layer's owner has granted your account permission" (as AWS grants every
    account for its published layers, such as the Lambda Insights extension, "Available versions of
    the Lambda Insights extension" in the CloudWatch User Guide). The layer must be in the
    function's region. A layer version ARN of this account that moto does not hold stays refused."""
    get_layers_data = models.LambdaFunction._get_layers_data

    def _get_layers_data(self, layers_versions_arns):
        own, shared = [], []
        for arn in layers_versions_arns:
            m = _LAYER_VERSION.match(arn)
            (shared if m and m.group(3) != self.account_id and m.group(2) == self.region else own).append(arn)
        data = {d["Arn"]: d for d in get_layers_data(self, own)} if own else {}
        # AWS answers CodeSize too; the layer's content is not the emulator's to know
        data.update({arn: {"Arn": arn, "CodeSize": 0} for arn in shared})
        return [data[arn] for arn in layers_versions_arns]

    models.LambdaFunction._get_layers_data = _get_layers_data


_QUALIFIED = re.compile(r"^(?:arn:[^:]+:lambda:[^:]+:[0-9]+:function:)?([^:]+):([^:]+)$")


def _patch_lambda_alias_mappings(models) -> None:
    """CreateEventSourceMapping, FunctionName (Lambda API reference): "Version or Alias ARN -
    arn:aws:lambda:us-west-2:123456789012:function:MyFunction:PROD". The mapping invokes what it
    names, and GetEventSourceMapping answers that ARN as FunctionArn; the AWS provider reads
    `function_name` back from it, so a version ARN there would be drift on every alias mapping."""
    backend = models.LambdaBackend
    create, update = backend.create_event_source_mapping, backend.update_event_source_mapping

    def alias_arn(self, function_name: str) -> str | None:
        m = _QUALIFIED.match(function_name or "")
        if not m or m.group(2).isdigit() or m.group(2) == "$LATEST":
            return None
        fn = self.get_function(m.group(1))  # raises ResourceNotFound like AWS for an unknown function
        return f"{fn.function_arn.split(':function:')[0]}:function:{m.group(1)}:{m.group(2)}"

    def create_event_source_mapping(self, spec):
        esm = create(self, spec)
        esm.function_arn = alias_arn(self, spec.get("FunctionName")) or esm.function_arn
        return esm

    def update_event_source_mapping(self, uuid, spec):
        esm = update(self, uuid, spec)
        if esm is not None and "FunctionName" in spec:
            esm.function_arn = alias_arn(self, spec["FunctionName"]) or esm.function_arn
        return esm

    backend.create_event_source_mapping = create_event_source_mapping
    backend.update_event_source_mapping = update_event_source_mapping


def _patch_lambda_provisioned_concurrency(models) -> None:
    """Put/Get/DeleteProvisionedConcurrencyConfig, which moto 5.2 lacks.

    Lambda API reference: PutProvisionedConcurrencyConfig "Adds a provisioned concurrency
    configuration to a function's alias or version" (Qualifier: "The version number or alias
    name"; $LATEST is refused), answering RequestedProvisionedConcurrentExecutions,
    AllocatedProvisionedConcurrentExecutions, AvailableProvisionedConcurrentExecutions, Status
    (IN_PROGRESS | READY | FAILED) and LastModified; a qualifier without a configuration is
    ProvisionedConcurrencyConfigNotFoundException (404). The emulator has no instances to warm, so
    it answers what AWS answers once the allocation is done: READY, everything requested allocated.
    """
    from moto.awslambda import urls
    from moto.awslambda.responses import LambdaResponse
    from moto.core.exceptions import JsonRESTError

    class NotFound(JsonRESTError):
        code = 404

        def __init__(self, message: str):
            super().__init__("ProvisionedConcurrencyConfigNotFoundException", message)

    class InvalidParameter(JsonRESTError):
        code = 400

        def __init__(self, message: str):
            super().__init__("InvalidParameterValueException", message)

    def configs(response) -> dict[tuple[str, str], dict]:
        """(function, qualifier) -> configuration, kept on the account's and region's backend
        (so that moto's reset drops them with everything else)."""
        if not hasattr(response.backend, "provisioned_concurrency_configs"):
            response.backend.provisioned_concurrency_configs = {}
        return response.backend.provisioned_concurrency_configs

    def target(response) -> tuple[tuple[str, str], str]:
        name = re.sub(r"^arn:[^:]+:lambda:[^:]+:[0-9]+:function:", "", _unquote(response.path.split("/")[-2]))
        qualifier = response._get_param("Qualifier") or response.querystring.get("Qualifier", [None])[0]
        fn = response.backend.get_function(name)  # ResourceNotFoundException for an unknown function
        if not qualifier or qualifier == "$LATEST":
            raise InvalidParameter("Provisioned Concurrency Configs cannot be applied to unpublished function versions.")
        if not qualifier.isdigit():
            response.backend.get_alias(qualifier, name)  # ResourceNotFoundException for an unknown alias
        else:
            response.backend.get_function(name, qualifier)
        return (fn.function_name, qualifier), name

    def put_provisioned_concurrency_config(self):
        key, _name = target(self)
        requested = int(self._get_param("ProvisionedConcurrentExecutions"))
        if requested < 1:
            raise InvalidParameter("ProvisionedConcurrentExecutions must be at least 1")
        configs(self)[key] = {
            "RequestedProvisionedConcurrentExecutions": requested,
            "AvailableProvisionedConcurrentExecutions": requested,
            "AllocatedProvisionedConcurrentExecutions": requested,
            "Status": "READY",
            "LastModified": time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime()),
        }
        return 202, {}, json.dumps(configs(self)[key])

    def get_provisioned_concurrency_config(self):
        key, name = target(self)
        if key not in configs(self):
            raise NotFound(f"No Provisioned Concurrency Config found for this function: {name}:{key[1]}")
        return 200, {}, json.dumps(configs(self)[key])

    def delete_provisioned_concurrency_config(self):
        key, name = target(self)
        if configs(self).pop(key, None) is None:
            raise NotFound(f"No Provisioned Concurrency Config found for this function: {name}:{key[1]}")
        return 204, {}, ""

    LambdaResponse.put_provisioned_concurrency_config = put_provisioned_concurrency_config
    LambdaResponse.get_provisioned_concurrency_config = get_provisioned_concurrency_config
    LambdaResponse.delete_provisioned_concurrency_config = delete_provisioned_concurrency_config
    urls.url_paths[
        r"{0}/(?P<api_version>[^/]+)/functions/(?P<function_name>[\w_:%-]+)/provisioned-concurrency/?$"
    ] = LambdaResponse.dispatch


def _unquote(text: str) -> str:
    from urllib.parse import unquote

    return unquote(text)


def _patch_apigateway() -> None:
    """PutIntegration, cacheKeyParameters (API Gateway API reference): "A list of request parameters
    whose values API Gateway caches. To be valid values for cacheKeyParameters, these parameters must
    also be specified for Method requestParameters." GetIntegration answers them back."""
    from moto.apigateway.responses import APIGatewayResponse

    put_integration = APIGatewayResponse.put_integration

    def put(self):
        status, headers, body = put_integration(self)
        keys = self._get_param("cacheKeyParameters")
        if keys:
            parts = self.path.split("/")
            integration = self.backend.get_integration(parts[2], parts[4], parts[6])
            declared = self.backend.get_method(parts[2], parts[4], parts[6]).request_parameters or {}
            unknown = [k for k in keys if k not in declared]
            if unknown:
                from moto.apigateway.exceptions import BadRequestException

                raise BadRequestException(f"Invalid cache key parameter specified: {unknown[0]}")
            integration.cache_key_parameters = list(keys)
            body = json.dumps(integration.to_json())
        return status, headers, body

    APIGatewayResponse.put_integration = put


def _patch_sqs() -> None:
    from moto.sqs import models

    compact = types.ModuleType("json_compact")
    compact.__dict__.update(json.__dict__)
    compact.dumps = lambda obj, **kw: json.dumps(obj, **{"separators": (",", ":"), **kw})
    models.json = compact


def _patch_dynamodb_replicas() -> None:
    """UpdateTable `ReplicaUpdates` (DynamoDB API reference, global tables version 2019.11.21):
    "A list of replica update actions (create, delete, or update) for the table." DescribeTable
    answers `Replicas` ("Represents replicas of the table", each with RegionName and
    ReplicaStatus) and `GlobalTableVersion`. A replica is a full table of the same name in its
    region (its own ARN, stream, backups and tags), which is what the provider then configures
    there (point-in-time recovery, tags) and reads back. The Developer Guide's requirement for
    adding a replica is enforced as AWS does: "The table must have DynamoDB Streams enabled, with
    the stream containing both the new and the old images of the item."
    """
    from moto.dynamodb.exceptions import MockValidationException
    from moto.dynamodb.models import dynamodb_backends
    from moto.dynamodb.models.table import Table
    from moto.dynamodb.responses import DynamoHandler

    update_table, describe = DynamoHandler.update_table, Table.describe

    def group(table) -> set[str]:
        """Every region holding a copy of this global table (empty for a regional table)."""
        return getattr(table, "replica_regions", set())

    def link(regions: set[str], account: str, name: str) -> None:
        for region in regions:
            dynamodb_backends[account][region].get_table(name).replica_regions = set(regions) if len(regions) > 1 else set()

    def update(self):
        replica_updates = self.body.pop("ReplicaUpdates", None) or []
        name = self.body["TableName"]
        for change in replica_updates:
            source = self.dynamodb_backend.get_table(name)
            regions = group(source) or {self.region}
            if "Create" in change:
                region = change["Create"]["RegionName"]
                if region in regions:
                    raise MockValidationException(f"Failed to create a the new replica of table with name: '{source.name}' because one or more replicas already existed as tables.")
                stream = source.stream_specification or {}
                if not stream.get("StreamEnabled") or stream.get("StreamViewType") != "NEW_AND_OLD_IMAGES":
                    raise MockValidationException("Table needs to have streams enabled with NEW_AND_OLD_IMAGES to add replicas")
                sse = dict(source.sse_specification or {})
                if change["Create"].get("KMSMasterKeyId"):
                    sse = {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": change["Create"]["KMSMasterKeyId"]}
                dynamodb_backends[self.current_account][region].create_table(
                    source.name,
                    schema=source.schema,
                    throughput=None if source.billing_mode == "PAY_PER_REQUEST" else {
                        k: v for k, v in source.throughput.items() if k != "NumberOfDecreasesToday"
                    },
                    attr=source.attr,
                    global_indexes=[{k: v for k, v in i.describe().items() if k in ("IndexName", "KeySchema", "Projection")} for i in source.global_indexes],
                    indexes=[i.describe() for i in source.indexes],
                    streams=dict(stream),
                    billing_mode=source.billing_mode,
                    sse_specification=sse or None,
                    tags=[],
                    deletion_protection_enabled=False,
                    warm_throughput=None,
                )
                link(regions | {region}, self.current_account, source.name)
            elif "Delete" in change:
                region = change["Delete"]["RegionName"]
                if region not in regions or region == self.region:
                    raise MockValidationException(f"Replica specified in the Replica Update or Replica Delete action of the request was not found: {region}")
                dynamodb_backends[self.current_account][region].delete_table(source.name)
                link(regions - {region}, self.current_account, source.name)
        return update_table(self)

    def describe_with_replicas(self, base_key: str = "TableDescription"):
        result = describe(self, base_key=base_key)
        others = sorted(group(self) - {self.region_name})
        if others:
            result[base_key]["Replicas"] = [{"RegionName": r, "ReplicaStatus": "ACTIVE"} for r in others]
            result[base_key]["GlobalTableVersion"] = "2019.11.21"
        return result

    DynamoHandler.update_table = update
    Table.describe = describe_with_replicas


def _serialize_requests() -> None:
    """One request at a time through moto's backends, and a retried call whose first attempt was
    answered gets that answer again (see the module docstring)."""
    import sys
    import threading
    from collections import OrderedDict

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    call, lock = DomainDispatcherApplication.__call__, threading.Lock()
    answered: OrderedDict[str, tuple[str, list, bytes]] = OrderedDict()  # invocation id -> 2xx answer
    keep, biggest = 4096, 1 << 20

    def locked(self, environ, start_response):
        invocation = environ.get("HTTP_AMZ_SDK_INVOCATION_ID", "")
        retried = invocation and not environ.get("HTTP_AMZ_SDK_REQUEST", "attempt=1;").startswith("attempt=1;")
        answer: list = []

        def start(status, headers, exc_info=None):
            answer[:] = [status, list(headers)]
            return start_response(status, headers, exc_info)

        with lock:
            if retried and invocation in answered:
                status, headers, body = answered[invocation]
                print(f"moto_faithful: {environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')} retried "
                      f"({environ.get('HTTP_AMZ_SDK_REQUEST')}, invocation {invocation}) after its answer was lost: "
                      f"answered {status} again, not applied twice", file=sys.stderr, flush=True)
                start_response(status, headers)
                return [body]
            out = list(call(self, environ, start))
        body = b"".join(out)
        if invocation and answer and answer[0][:1] == "2" and len(body) <= biggest:
            with lock:
                answered[invocation] = (answer[0], answer[1], body)
                while len(answered) > keep:
                    answered.popitem(last=False)
        return [body]

    DomainDispatcherApplication.__call__ = locked


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
    import os

    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"  # before moto reads its settings
    _patch_lambda()
    _patch_sqs()
    _patch_apigateway()
    _patch_dynamodb_replicas()
    _serialize_requests()
    _patch_cloudfront()
    from moto.server import main as moto_main

    moto_main(argv)


if __name__ == "__main__":
    main()
