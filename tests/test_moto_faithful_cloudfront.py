"""tests/moto_faithful.py answers like AWS where it corrects moto: each correction, called through boto3
against the patched server as the AWS provider calls it."""

from __future__ import annotations

import sys

import pytest
from rendering import TESTS

pytestmark = pytest.mark.xdist_group("moto_faithful")  # one worker: the tests share one server

CONFIG = {
    "Name": "site-dev-security-headers",
    "Comment": "Security headers",
    "SecurityHeadersConfig": {
        "ContentTypeOptions": {"Override": True},
        "FrameOptions": {"FrameOption": "SAMEORIGIN", "Override": True},
        "StrictTransportSecurity": {"AccessControlMaxAgeSec": 63072000, "IncludeSubdomains": True,
                                    "Preload": False, "Override": True},
    },
}


@pytest.fixture(scope="module")
def cloudfront():
    boto3 = pytest.importorskip("boto3")
    from tfharness import MotoServer, require_moto

    require_moto()
    with MotoServer(command=[sys.executable, str(TESTS / "moto_faithful.py")]) as server:
        yield boto3.client("cloudfront", endpoint_url=server.endpoint, region_name="us-east-1",
                           aws_access_key_id="test", aws_secret_access_key="test")


def _code(exc) -> tuple[str, int]:
    return exc.response["Error"]["Code"], exc.response["ResponseMetadata"]["HTTPStatusCode"]


def test_response_headers_policy_round_trip_with_etags(cloudfront):
    from botocore.exceptions import ClientError

    created = cloudfront.create_response_headers_policy(ResponseHeadersPolicyConfig=CONFIG)
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    policy_id, etag = created["ResponseHeadersPolicy"]["Id"], created["ETag"]
    assert created["Location"].endswith(f"/2020-05-31/response-headers-policy/{policy_id}")
    assert created["ResponseHeadersPolicy"]["ResponseHeadersPolicyConfig"] == CONFIG  # echoed as sent

    got = cloudfront.get_response_headers_policy(Id=policy_id)
    assert got["ETag"] == etag and got["ResponseHeadersPolicy"]["ResponseHeadersPolicyConfig"] == CONFIG
    config = cloudfront.get_response_headers_policy_config(Id=policy_id)
    assert config["ETag"] == etag and config["ResponseHeadersPolicyConfig"] == CONFIG
    listed = cloudfront.list_response_headers_policies(Type="custom")["ResponseHeadersPolicyList"]
    assert [i["ResponseHeadersPolicy"]["Id"] for i in listed["Items"]] == [policy_id]
    assert "Items" not in cloudfront.list_response_headers_policies(Type="managed")["ResponseHeadersPolicyList"]

    with pytest.raises(ClientError) as dup:
        cloudfront.create_response_headers_policy(ResponseHeadersPolicyConfig=CONFIG)
    assert _code(dup.value) == ("ResponseHeadersPolicyAlreadyExists", 409)

    changed = {**CONFIG, "Comment": "changed"}
    with pytest.raises(ClientError) as stale:
        cloudfront.update_response_headers_policy(Id=policy_id, IfMatch="stale", ResponseHeadersPolicyConfig=changed)
    assert _code(stale.value) == ("PreconditionFailed", 412)
    updated = cloudfront.update_response_headers_policy(Id=policy_id, IfMatch=etag, ResponseHeadersPolicyConfig=changed)
    assert updated["ETag"] != etag
    assert updated["ResponseHeadersPolicy"]["ResponseHeadersPolicyConfig"]["Comment"] == "changed"

    with pytest.raises(ClientError) as no_match:
        cloudfront.delete_response_headers_policy(Id=policy_id)
    assert _code(no_match.value) == ("InvalidIfMatchVersion", 400)
    cloudfront.delete_response_headers_policy(Id=policy_id, IfMatch=updated["ETag"])
    with pytest.raises(ClientError) as gone:
        cloudfront.get_response_headers_policy(Id=policy_id)
    assert _code(gone.value) == ("NoSuchResponseHeadersPolicy", 404)


def test_distribution_returns_only_the_forwarded_values_and_ssl_method_it_was_given(cloudfront):
    origin = {"Id": "site", "DomainName": "site.s3.eu-west-1.amazonaws.com", "S3OriginConfig": {"OriginAccessIdentity": ""}}
    behavior = {"TargetOriginId": "site", "ViewerProtocolPolicy": "redirect-to-https",
                "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"}
    dist = cloudfront.create_distribution(DistributionConfig={
        "CallerReference": "faithful", "Comment": "c", "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [origin]}, "DefaultCacheBehavior": behavior,
        "ViewerCertificate": {"CloudFrontDefaultCertificate": True}})["Distribution"]
    config = cloudfront.get_distribution_config(Id=dist["Id"])["DistributionConfig"]
    assert "ForwardedValues" not in config["DefaultCacheBehavior"]
    assert config["DefaultCacheBehavior"]["CachePolicyId"] == behavior["CachePolicyId"]
    assert "SSLSupportMethod" not in config["ViewerCertificate"]
    assert config["ViewerCertificate"]["CloudFrontDefaultCertificate"] is True

    legacy = {**behavior, "ForwardedValues": {"QueryString": True, "Cookies": {"Forward": "all"}}}
    del legacy["CachePolicyId"]
    dist = cloudfront.create_distribution(DistributionConfig={
        "CallerReference": "legacy", "Comment": "c", "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [origin]}, "DefaultCacheBehavior": legacy,
        "ViewerCertificate": {"ACMCertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/x",
                              "SSLSupportMethod": "sni-only", "MinimumProtocolVersion": "TLSv1.2_2021"}})["Distribution"]
    config = cloudfront.get_distribution_config(Id=dist["Id"])["DistributionConfig"]
    assert config["DefaultCacheBehavior"]["ForwardedValues"]["QueryString"] is True
    assert config["ViewerCertificate"]["SSLSupportMethod"] == "sni-only"
