"""API checks (generator/families/api/checks.py): caching, JWT authorizers on REST APIs, the REST
resource tree."""

from __future__ import annotations

from findings import cli_validate as validate


def test_cache_on_http_api_is_an_error_at_its_line(tmp_path):
    bp, result = validate(
        tmp_path,
        "service: demo\n"
        "api:\n"
        "  type: http\n"
        "  cache: {size_gb: 0.5, ttl: 60}\n"
        "functions:\n"
        "  a:\n"
        "    events:\n"
        "      - http: GET /x\n"
        "        cache: false\n",
    )
    assert result.exit_code == 2
    assert f"{bp}:4:3: error[SLS311] api.cache: caching needs a REST API" in result.output
    assert f"{bp}:9:9: error[SLS311] functions.a.events[0].cache: per-route cache applies to REST APIs only" in result.output


def test_jwt_authorizer_on_rest_api_is_an_error_at_its_line(tmp_path):
    bp, result = validate(
        tmp_path,
        "service: demo\n"
        "api:\n"
        "  type: rest\n"
        "  authorizers:\n"
        "    users: {issuer: 'https://auth.example.com/', audience: [x]}\n"
        "functions:\n"
        "  a:\n"
        "    events:\n"
        "      - http: GET /x\n"
        "        auth: users\n",
    )
    assert result.exit_code == 2
    assert f"{bp}:5:5: error[SLS311] api.authorizers.users: authorizer 'users' is a JWT authorizer" in result.output


def test_rest_path_rules(tmp_path):
    bp, result = validate(
        tmp_path,
        "service: demo\n"
        "api: {type: rest, cors: {origins: ['https://a.example', 'https://b.example']}}\n"
        "functions:\n"
        "  a:\n"
        "    events:\n"
        "      - http: GET /orders/{id}\n"
        "      - http: GET /orders/{orderId}/items\n"
        "      - http: GET /files/{path+}/meta\n"
        "      - http: OPTIONS /orders\n",
    )
    assert result.exit_code == 2
    out = result.output
    assert f"{bp}:2:26: error[SLS311] api.cors.origins: a REST API's CORS preflight" in out
    assert f"{bp}:7:9: error[SLS311] functions.a.events[1].http: '{{orderId}}' and '{{id}}' are sibling" in out
    assert f"{bp}:8:9: error[SLS311] functions.a.events[2].http: '{{path+}}' must be the last path segment" in out
    assert f"{bp}:9:9: error[SLS311] functions.a.events[3].http: OPTIONS routes clash" in out


def test_rest_api_without_routes_is_an_error(tmp_path):
    bp, result = validate(tmp_path, "service: demo\napi:\n  type: rest\nfunctions:\n  a: {}\n")
    assert result.exit_code == 2
    assert f"{bp}:3:3: error[SLS311] api.type: a REST API needs at least one http route" in result.output


def test_rest_only_logging_keys_on_an_http_api_are_errors_at_their_line(tmp_path):
    bp, result = validate(
        tmp_path,
        "service: demo\n"
        "api:\n"
        "  type: http\n"
        "  logging: {execution: info, account_role: create, data_trace: true}\n"
        "functions:\n"
        "  a:\n"
        "    events:\n"
        "      - http: GET /x\n",
    )
    assert result.exit_code == 2
    for key, col in (("execution", 13), ("account_role", 30), ("data_trace", 52)):
        assert f"{bp}:4:{col}: error[SLS311] api.logging.{key}: HTTP APIs have no execution logs" in result.output, result.output


def test_data_trace_needs_execution_logging(tmp_path):
    bp, result = validate(
        tmp_path,
        "service: demo\n"
        "api:\n"
        "  type: rest\n"
        "  logging: {data_trace: true, account_role: existing}\n"
        "functions:\n"
        "  a:\n"
        "    events:\n"
        "      - http: GET /x\n",
    )
    assert result.exit_code == 2
    assert (
        f"{bp}:4:13: error[SLS311] api.logging.data_trace: data trace writes full requests and responses into "
        "execution logs, which are off (execution: off)" in result.output
    ), result.output


def test_the_cors_variable_is_sls_gens_on_rest_routes(tmp_path):
    """SLS303: a user variable named like the one sls-gen generates for REST CORS would be replaced."""
    bp, result = validate(
        tmp_path,
        "service: demo\n"
        "api:\n"
        "  type: rest\n"
        "  cors: {origins: ['https://a.example.com']}\n"
        "functions:\n"
        "  a:\n"
        "    environment: {CORS_ALLOW_ORIGIN: '*'}\n"
        "    events:\n"
        "      - http: GET /x\n",
    )
    assert result.exit_code == 2
    assert (
        f"{bp}:7:19: error[SLS303] functions.a.environment.CORS_ALLOW_ORIGIN: 'CORS_ALLOW_ORIGIN' is set by "
        "sls-gen for function 'a' (from its events:)" in result.output
    ), result.output
