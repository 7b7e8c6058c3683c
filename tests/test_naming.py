"""Terraform addresses are a compatibility contract: these pin how they are derived."""

from generator.plan.naming import Names, camel, env_prefix, route_id, tf_id


def test_tf_id_is_stable():
    assert tf_id("create-order") == "create_order"
    assert tf_id("orders", "dlq") == "orders_dlq"
    assert tf_id("a1-b2") == "a1_b2"


def test_route_ids():
    assert route_id("GET /orders/{id}") == "get_orders_id"
    assert route_id("ANY /{proxy+}") == "any_proxy"
    assert route_id("POST /") == "post_root"
    assert route_id("$default") == "default"


def test_physical_names_and_env():
    names = Names("orders", "dev")
    assert names.physical("create-order") == "orders-dev-create-order"
    assert names.queue("jobs", fifo=True) == "orders-dev-jobs.fifo"
    assert names.dlq("jobs", fifo=True) == "orders-dev-jobs-dlq.fifo"
    assert names.dlq("jobs", fifo=False) == "orders-dev-jobs-dlq"
    assert names.log_group("x") == "/aws/lambda/orders-dev-x"
    assert env_prefix("order-events") == "ORDER_EVENTS"
    assert camel("table", "orders", "read_write") == "TableOrdersReadWrite"
