"""tests/moto_faithful.py answers like the AWS API reference says, point by point (the e2e apply
relies on it; this says which correction broke when moto changes)."""

from __future__ import annotations

import io
import sys
import urllib.error
import urllib.parse
import urllib.request
import zipfile

import pytest
from rendering import TESTS
from tfharness import MotoServer, require_moto


@pytest.fixture(scope="module")
def aws():
    require_moto()
    import boto3

    with MotoServer(command=[sys.executable, str(TESTS / "moto_faithful.py")]) as server:
        def client(name, region="eu-west-1"):
            session = boto3.session.Session(aws_access_key_id="t", aws_secret_access_key="t", region_name=region)
            return session.client(name, endpoint_url=server.endpoint)

        client.endpoint = server.endpoint
        yield client


def _function(aws, name: str, **extra) -> dict:
    role = aws("iam").create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as zf:
        zf.writestr("handler.py", "def handler(event, context): pass\n")
    return aws("lambda").create_function(
        FunctionName=name, Runtime="python3.13", Role=role, Handler="handler.handler",
        Code={"ZipFile": code.getvalue()}, **extra,
    )


def test_snapstart_is_kept_and_on_for_published_versions(aws):
    lam = aws("lambda")
    _function(aws, "snap", Publish=True, SnapStart={"ApplyOn": "PublishedVersions"})
    assert lam.get_function(FunctionName="snap")["Configuration"]["SnapStart"] == {
        "ApplyOn": "PublishedVersions", "OptimizationStatus": "Off"}
    assert lam.get_function(FunctionName="snap", Qualifier="1")["Configuration"]["SnapStart"] == {
        "ApplyOn": "PublishedVersions", "OptimizationStatus": "On"}
    lam.update_function_configuration(FunctionName="snap", SnapStart={"ApplyOn": "None"})
    assert lam.get_function(FunctionName="snap")["Configuration"]["SnapStart"]["ApplyOn"] == "None"


def test_a_mapping_on_an_alias_answers_the_alias_arn(aws):
    lam, sqs = aws("lambda"), aws("sqs")
    _function(aws, "consumer", Publish=True)
    alias = lam.create_alias(FunctionName="consumer", Name="live", FunctionVersion="1")["AliasArn"]
    url = sqs.create_queue(QueueName="work")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    mapping = lam.create_event_source_mapping(FunctionName=alias, EventSourceArn=arn)
    assert lam.get_event_source_mapping(UUID=mapping["UUID"])["FunctionArn"] == alias


def test_provisioned_concurrency_on_an_alias_or_version_only(aws):
    lam = aws("lambda")
    _function(aws, "warm", Publish=True)
    lam.create_alias(FunctionName="warm", Name="live", FunctionVersion="1")
    with pytest.raises(lam.exceptions.ProvisionedConcurrencyConfigNotFoundException):
        lam.get_provisioned_concurrency_config(FunctionName="warm", Qualifier="live")
    put = lam.put_provisioned_concurrency_config(FunctionName="warm", Qualifier="live", ProvisionedConcurrentExecutions=3)
    assert put["Status"] == "READY"
    got = lam.get_provisioned_concurrency_config(FunctionName="warm", Qualifier="live")
    assert (got["RequestedProvisionedConcurrentExecutions"], got["AllocatedProvisionedConcurrentExecutions"]) == (3, 3)
    with pytest.raises(lam.exceptions.InvalidParameterValueException):
        lam.put_provisioned_concurrency_config(FunctionName="warm", Qualifier="$LATEST", ProvisionedConcurrentExecutions=1)
    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.put_provisioned_concurrency_config(FunctionName="warm", Qualifier="nope", ProvisionedConcurrentExecutions=1)
    lam.delete_provisioned_concurrency_config(FunctionName="warm", Qualifier="live")
    with pytest.raises(lam.exceptions.ProvisionedConcurrencyConfigNotFoundException):
        lam.get_provisioned_concurrency_config(FunctionName="warm", Qualifier="live")


def test_rest_integrations_keep_their_cache_keys(aws):
    gw = aws("apigateway")
    api = gw.create_rest_api(name="cached")["id"]
    root = gw.get_resources(restApiId=api)["items"][0]["id"]
    res = gw.create_resource(restApiId=api, parentId=root, pathPart="{id}")["id"]
    gw.put_method(restApiId=api, resourceId=res, httpMethod="GET", authorizationType="NONE",
                  requestParameters={"method.request.path.id": True})
    uri = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:f/invocations"
    common = dict(restApiId=api, resourceId=res, httpMethod="GET", type="AWS_PROXY", integrationHttpMethod="POST", uri=uri)
    gw.put_integration(**common, cacheKeyParameters=["method.request.path.id"], cacheNamespace=res)
    assert gw.get_integration(restApiId=api, resourceId=res, httpMethod="GET")["cacheKeyParameters"] == ["method.request.path.id"]
    with pytest.raises(gw.exceptions.BadRequestException):  # a cache key must be a method request parameter
        gw.put_integration(**common, cacheKeyParameters=["method.request.path.other"])


def test_replicas_are_tables_in_their_regions(aws):
    ddb = aws("dynamodb")
    spec = dict(TableName="global", BillingMode="PAY_PER_REQUEST",
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
    ddb.create_table(**spec)
    with pytest.raises(ddb.exceptions.ClientError, match="NEW_AND_OLD_IMAGES"):  # a replica needs the stream
        ddb.update_table(TableName="global", ReplicaUpdates=[{"Create": {"RegionName": "us-east-1"}}])
    ddb.update_table(TableName="global", StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    ddb.update_table(TableName="global", ReplicaUpdates=[{"Create": {"RegionName": "us-east-1"}}])
    ddb.update_table(TableName="global", ReplicaUpdates=[{"Create": {"RegionName": "ap-southeast-2"}}])
    assert ddb.describe_table(TableName="global")["Table"]["Replicas"] == [
        {"RegionName": "ap-southeast-2", "ReplicaStatus": "ACTIVE"}, {"RegionName": "us-east-1", "ReplicaStatus": "ACTIVE"}]
    replica = aws("dynamodb", "us-east-1").describe_table(TableName="global")["Table"]
    assert [r["RegionName"] for r in replica["Replicas"]] == ["ap-southeast-2", "eu-west-1"]
    assert replica["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    ddb.update_table(TableName="global", ReplicaUpdates=[{"Delete": {"RegionName": "us-east-1"}}])
    assert "global" not in aws("dynamodb", "us-east-1").list_tables()["TableNames"]
    assert [r["RegionName"] for r in ddb.describe_table(TableName="global")["Table"]["Replicas"]] == ["ap-southeast-2"]


def test_a_layer_shared_by_another_account_is_accepted(aws):
    lam = aws("lambda")
    insights = "arn:aws:lambda:eu-west-1:580247275435:layer:LambdaInsightsExtension:53"
    _function(aws, "insightful", Layers=[insights])
    assert [layer["Arn"] for layer in lam.get_function(FunctionName="insightful")["Configuration"]["Layers"]] == [insights]
    # this account's own layers are still checked, and a layer must be in the function's region
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError, match="LayerVersion does not exist"):
        _function(aws, "missing-own", Layers=["arn:aws:lambda:eu-west-1:123456789012:layer:nope:1"])
    with pytest.raises(ClientError, match="LayerVersion does not exist"):
        _function(aws, "other-region", Layers=["arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:53"])


def test_aws_managed_policies_can_be_attached(aws):
    iam = aws("iam")
    iam.create_role(RoleName="vpc-fn", AssumeRolePolicyDocument="{}")
    arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
    iam.attach_role_policy(RoleName="vpc-fn", PolicyArn=arn)
    assert [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName="vpc-fn")["AttachedPolicies"]] == [arn]
    with pytest.raises(iam.exceptions.NoSuchEntityException):  # a policy AWS does not publish
        iam.attach_role_policy(RoleName="vpc-fn", PolicyArn="arn:aws:iam::aws:policy/NoSuchManagedPolicy")


def _create_role(endpoint: str, name: str, invocation: str, attempt: int) -> tuple[int, str]:
    """IAM CreateRole as the AWS SDKs send it: one invocation id for every attempt of one call."""
    body = urllib.parse.urlencode({"Action": "CreateRole", "Version": "2010-05-08", "RoleName": name,
                                   "AssumeRolePolicyDocument": "{}"}).encode()
    request = urllib.request.Request(endpoint + "/", data=body, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Authorization": "AWS4-HMAC-SHA256 Credential=t/20261205/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0",
        "amz-sdk-invocation-id": invocation, "amz-sdk-request": f"attempt={attempt}; max=25"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=30) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def test_a_retried_call_whose_answer_was_lost_is_not_applied_twice(aws):
    first = _create_role(aws.endpoint, "lost-answer", "7d0c1c3e-0000-4000-8000-000000000001", 1)
    assert first[0] == 200 and "<RoleName>lost-answer</RoleName>" in first[1]
    # the SDK lost that answer and retries the same call: AWS's answer would have reached it
    assert _create_role(aws.endpoint, "lost-answer", "7d0c1c3e-0000-4000-8000-000000000001", 2) == first
    # another call (another invocation id) is applied: the role exists
    again = _create_role(aws.endpoint, "lost-answer", "7d0c1c3e-0000-4000-8000-000000000002", 1)
    assert again[0] == 409 and "EntityAlreadyExists" in again[1]
    # a retry of a call whose earlier attempt failed is applied again, as on AWS
    assert _create_role(aws.endpoint, "lost-answer", "7d0c1c3e-0000-4000-8000-000000000002", 2)[0] == 409
    assert _create_role(aws.endpoint, "fresh", "7d0c1c3e-0000-4000-8000-000000000003", 2)[0] == 200
