"""The OpenAPI document is valid and describes what the API validates."""
from __future__ import annotations

from openapi_spec_validator import validate


def test_the_openapi_document_is_valid_openapi_3(client) -> None:  # noqa: ANN001
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert document["openapi"].startswith("3.")


def test_the_document_carries_the_schemas_that_validate_input(client) -> None:  # noqa: ANN001
    document = client.get("/api/v1/openapi.json").get_json()
    post = document["paths"]["/requests"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/RequestIn")
    request_in = document["components"]["schemas"]["RequestIn"]
    assert set(request_in["required"]) == {"needed_by", "delivery_point", "lines"}
    assert request_in["additionalProperties"] is False
    assert "RequestLineIn" in document["components"]["schemas"]
    assert document["paths"]["/auth/tokens"]["post"]["security"] == []
    assert "application/pdf" in document["paths"]["/deliveries/{delivery_id}/note.pdf"]["get"]["responses"]["200"]["content"]
    assert "text/csv" in document["paths"]["/exports/stock.csv"]["get"]["responses"]["200"]["content"]
    assert "application/pdf" in document["paths"]["/cost-estimates"]["post"]["responses"]["200"]["content"]
    for path in ("/requests/{request_id}/approve", "/work-orders/{work_order_id}/accept",
                 "/machines/{machine_id}/bed-clear", "/deliveries/{delivery_id}/confirm-receipt"):
        assert "post" in document["paths"][path], path
