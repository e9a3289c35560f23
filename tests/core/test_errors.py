import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def _assert_error_shape(body: dict[str, object], code: str) -> None:
    assert set(body) >= {"code", "detail", "fields"}
    assert body["code"] == code
    assert isinstance(body["detail"], str)
    assert body["detail"]


def test_unknown_api_path_is_a_json_404(logged_in: APIClient) -> None:
    response = logged_in.get("/api/v1/no/such/thing")
    assert response.status_code == 404
    _assert_error_shape(response.json(), "not_found")


def test_wrong_method_is_a_json_405(logged_in: APIClient) -> None:
    response = logged_in.put("/api/v1/auth/me", {}, format="json")
    assert response.status_code == 405
    _assert_error_shape(response.json(), "method_not_allowed")


def test_anonymous_gets_401(api: APIClient) -> None:
    response = api.get("/api/v1/auth/tokens")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    _assert_error_shape(response.json(), "not_authenticated")


def test_malformed_json_is_a_400(logged_in: APIClient) -> None:
    response = logged_in.post("/api/v1/auth/tokens", "{not json", content_type="application/json")
    assert response.status_code == 400
    _assert_error_shape(response.json(), "malformed_request")


def test_malformed_bearer_header(api: APIClient) -> None:
    response = api.get("/api/v1/auth/me", HTTP_AUTHORIZATION="Bearer")
    assert response.status_code == 401
    _assert_error_shape(response.json(), "authentication_failed")


def test_field_errors_keep_their_field_names(logged_in: APIClient) -> None:
    response = logged_in.post("/api/v1/auth/tokens", {"name": ""}, format="json")
    body = response.json()
    assert response.status_code == 400
    _assert_error_shape(body, "invalid")
    assert list(body["fields"]) == ["name"]
