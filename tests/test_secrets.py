"""Credentials in any field of a blueprint (generator/checks/secrets.py, SLS402), tested both ways:
true secrets are flagged wherever they are written, look-alikes are not (issue 14, "Secrets in any
field")."""

from __future__ import annotations

import base64
import json
import textwrap

import pytest

from generator.checks.secrets import credential_kind, password_like
from generator.diagnostics import BlueprintError, path_str
from generator.pipeline import validate

JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0"
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
AKID = "AKIAIOSFODNN7EXAMPLE"
B64 = lambda text: base64.b64encode(text.encode()).decode()  # noqa: E731

# (value, the key it sits under or "") -> flagged
SECRETS = [
    (AKID, ""),
    ("ASIAY34FZKBOKMUTVV7A", ""),
    (f"export AWS_ACCESS_KEY_ID={AKID}", ""),
    ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""),
    ("postgres://app:hunter22@db.internal/app", ""),
    ("postgres://u:p@h/db", ""),
    ("redis://:s3cret@cache:6379/0", ""),
    ("mongodb+srv://admin:Tr0ub4dor@cluster0.example.net/", ""),
    ("password=hunter22", ""),
    ("Server=db;User Id=app;Password=hunter2;", ""),
    ('{"user": "app", "password": "hunter2"}', ""),
    ("https://hooks.example.com/cb?token=abc123def456", ""),
    ("Zx8Qk2LmP9vR4tW7yB1nC6dF3gH5jK0sA", ""),
    ("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA", ""),
    ("-----BEGIN OPENSSH PRIVATE KEY-----", ""),
    ("-----BEGIN PRIVATE KEY-----", ""),
    ("-----BEGIN EC PRIVATE KEY-----", ""),
    (JWT, ""),
    (f"Bearer {JWT}", ""),
    (B64(AKID), ""),
    (B64(f"aws_access_key_id = {AKID}\n"), ""),
    (B64("postgres://app:hunter22@db/app"), ""),
    ("ghp_" + "aB3" * 12, ""),
    ("xoxb-1234567890-abcdefghij", ""),
    ("sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc", ""),
    # short values under a password-like key: any literal is one
    ("hunter2", "DB_PASSWORD"),
    ("abc1", "password"),
    ("s3cr3t", "clientSecret"),
    ("changeme", "db-password"),
    ("correct horse battery staple", "passphrase"),
    ("Bearer abcdef123456", "Authorization"),
    ("1234", "PIN_PASSWORD"),
    ("t0k3n", "api_token"),
    ("k3y!", "x-api-key"),
]

LOOK_ALIKES = [
    ("arn:aws:secretsmanager:us-east-1:123456789012:secret:orders/db-AbCdEf", ""),
    ("arn:aws:ssm:eu-west-1:123456789012:parameter/orders/db-password", ""),
    ("arn:aws:iam::123456789012:role/service-role/orders-token-refresher", ""),
    ("reads arn:aws:secretsmanager:us-east-1:123456789012:secret:orders/token-AbCdEf at start", ""),
    ("3f2504e0-4f89-11d3-9a0c-0305e82c3301", ""),
    ("1234abcd-12ab-34cd-56ef-1234567890ab", ""),
    ("mrk-1234abcd12ab34cd56ef1234567890ab", ""),
    ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", ""),
    ("da39a3ee5e6b4b0d3255bfef95601890afd80709", ""),
    ("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", ""),
    ("sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", ""),
    (B64(json.dumps({"features": {"beta": True, "limit": 100}, "region": "eu-west-1"})), ""),
    (B64("a long piece of configuration text, base64-encoded for transport"), ""),
    ("https://example.com/orders?page=2&sort=desc", ""),
    ("https://user@example.com/path", ""),
    ("postgres://db.internal:5432/orders", ""),
    ("https://auth.example.com/.well-known/openid-configuration", ""),
    ("https://example.auth.eu-west-1.amazoncognito.com/oauth2/token", ""),
    ("postgres://app:${DB_PASSWORD}@db/app", ""),
    ("${DB_PASSWORD}", "DB_PASSWORD"),
    ("<password>", "password"),
    ("/orders/db-password", "DB_PASSWORD"),
    ("true", "PASSWORD_REQUIRED"),
    ("12", "PASSWORD_MIN_LENGTH"),
    ("12", "password"),
    ("none", "auth_token"),
    ("OrderCreatedEventHandlerForPaymentsV2", ""),
    ("UpdateOrderStatusAfterPaymentConfirmedV3", ""),
    ("com.example.orders.v2.CreateOrderHandler::handleRequest", ""),
    ("secretsmanager:GetSecretValue", ""),
    ("sts:GetSessionToken", ""),
    ("Resets a user's password by e-mail", ""),
    ("Rotates the API token every night", "description"),
    ("x-amz-security-token", ""),
    ("Content-Type,Authorization,X-Api-Key", ""),
    ("cron(0 2 * * ? *)", ""),
    ("GET /orders/{id}", ""),
    ("alias/orders-key", ""),
    ("$.detail.orderId", ""),
    ("orders-prod-7f3a9c2e4b1d", ""),
    ("INFO", "LOG_LEVEL"),
    ("token", "header_name"),
]


@pytest.mark.parametrize("value, key", SECRETS)
def test_a_credential_is_flagged(value, key):
    assert credential_kind(value, key), (value, key)


@pytest.mark.parametrize("value, key", LOOK_ALIKES)
def test_a_look_alike_is_not_flagged(value, key):
    assert credential_kind(value, key) is None, (value, key)


@pytest.mark.parametrize("key, expected", [
    ("DB_PASSWORD", True), ("password", True), ("clientSecret", True), ("x-api-key", True), ("apiKey", True),
    ("AUTH_TOKEN", True), ("Authorization", True), ("private_key", True), ("passwd", True),
    ("PASSWORD_MIN_LENGTH", False), ("TOKEN_TTL", False), ("bypass", False), ("compass", False),
    ("LOG_LEVEL", False), ("secrets_arn", False), ("auth", False), ("description", False),
])
def test_password_like_keys(key, expected):
    assert password_like(key) is expected


# ---------------------------------------------------------------- every field of a blueprint
HOSTILE = """\
service: leak
description: deploys with {akid}
tags:
  owner: team-a
  api-key: k3y!secret
topics:
  orders: {{}}
buses:
  partners: {{description: "connects with postgres://svc:hunter22@db/app"}}
tables:
  items: {{partition_key: pk, stream: new_image}}
queues:
  inbox:
    subscribe:
      - topic: orders
        filter: {{password: [hunter22]}}
      - eventbridge:
          bus: partners
          pattern: {{detail: {{token: ["{jwt}"]}}}}
secrets:
  db: {{description: "password=hunter22"}}
parameters:
  db-password: {{value: hunter2}}
  config: {{value: '{{"region": "eu-west-1"}}', description: "{b64}"}}
functions:
  a:
    description: "-----BEGIN PRIVATE KEY-----"
    environment: {{DB_PASSWORD: hunter2, LOG_LEVEL: INFO}}
    events:
      - schedule: rate(1 hour)
        input: {{report: daily, auth: {{token: s3cr3t-t0k3n}}}}
      - topic: orders
        filter: {{client_secret: [abc123]}}
      - eventbridge:
          bus: partners
          pattern: {{source: [partner], detail: {{apiKey: ["{akid}"]}}}}
      - stream: items
        filter: {{dynamodb: {{NewImage: {{password: {{S: [hunter22]}}}}}}}}
"""

EXPECTED = {
    "description",
    "tags.api-key",
    "buses.partners.description",
    "queues.inbox.subscribe[0].filter.password[0]",
    "queues.inbox.subscribe[1].eventbridge.pattern.detail.token[0]",
    "secrets.db.description",
    "parameters.db-password.value",
    "parameters.config.description",
    "functions.a.description",
    "functions.a.environment.DB_PASSWORD",
    "functions.a.events[0].input.auth.token",
    "functions.a.events[1].filter.client_secret[0]",
    "functions.a.events[2].eventbridge.pattern.detail.apiKey[0]",
    "functions.a.events[3].filter.dynamodb.NewImage.password.S[0]",
}


def _findings(tmp_path, text: str, code: str = "SLS402") -> dict[str, int]:
    bp = tmp_path / "bp.yaml"
    bp.write_text(text)
    with pytest.raises(BlueprintError) as info:
        validate(bp)
    return {path_str(d.path): d.line for d in info.value.diagnostics if d.code == code}


def test_every_field_that_reaches_terraform_is_scanned(tmp_path):
    text = HOSTILE.format(akid=AKID, jwt=JWT, b64=B64(f"key={AKID}"))
    found = _findings(tmp_path, text)
    assert set(found) == EXPECTED
    lines = text.splitlines()
    for path, line in found.items():  # each at the line that wrote it
        assert path.rsplit(".", 1)[-1].split("[")[0] in lines[line - 1], (path, lines[line - 1])


def test_a_clean_blueprint_with_look_alikes_passes(tmp_path):
    bp = tmp_path / "bp.yaml"
    bp.write_text(textwrap.dedent("""\
        service: clean
        description: "reads arn:aws:secretsmanager:us-east-1:123456789012:secret:orders/db-AbCdEf"
        tags: {commit: da39a3ee5e6b4b0d3255bfef95601890afd80709, request: 3f2504e0-4f89-11d3-9a0c-0305e82c3301}
        secrets:
          db-password: {description: "the database password, set out of band"}
          api-token: {ssm: /clean/api-token}
        parameters:
          flags: {value: eyJmZWF0dXJlcyI6eyJiZXRhIjp0cnVlfX0=}
        functions:
          a:
            environment: {DB_HOST: "postgres://db.internal:5432/orders", PASSWORD_MIN_LENGTH: "12", PAGE_URL: "https://example.com/?page=2"}
            uses: [{secret: db-password}, {secret: api-token}]
            events:
              - schedule: rate(1 hour)
                input: {checksum: "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"}
            iam:
              - actions: [secretsmanager:GetSecretValue]
                resources: ["arn:aws:secretsmanager:us-east-1:123456789012:secret:shared/token-AbCdEf"]
        """))
    validate(bp)


def test_a_secret_in_a_stage_override_is_reported_once_at_the_override(tmp_path):
    text = textwrap.dedent("""\
        service: leak
        stages:
          dev: {}
          prod:
            overrides:
              functions:
                a:
                  environment: {DB_URL: "postgres://app:hunter22@db/app"}
        functions:
          a:
            environment: {DB_URL: "postgres://db/app"}
        """)
    bp = tmp_path / "bp.yaml"
    bp.write_text(text)
    with pytest.raises(BlueprintError) as info:
        validate(bp)
    found = [(d.code, d.line) for d in info.value.diagnostics]
    assert found == [("SLS402", 8)]
