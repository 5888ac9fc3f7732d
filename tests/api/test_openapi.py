"""The OpenAPI schema of /api/v1/ says the truth: valid OpenAPI, its server named, every error
an operation can answer documented with the JSON error, an example per operation that fits
the operation's own schema; and every date parameter refuses malformed dates in French."""

import jsonschema
import pytest
from openapi_spec_validator import validate

from tests.offers.factories import OfferFactory

pytestmark = pytest.mark.django_db
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def resolved(spec, schema):
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def conforms(spec, schema, instance) -> None:
    """`instance` valid against `schema`, its $refs read in the document's components."""
    jsonschema.validate(
        instance,
        {**schema, "components": spec["components"]},
        cls=jsonschema.Draft202012Validator,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


def test_it_is_a_valid_openapi_document(spec):
    validate(spec)  # openapi-spec-validator: raises on any fault

    assert spec["openapi"].startswith("3.")
    assert len(list(operations(spec))) >= 10


def test_it_names_its_server_from_the_site_url(client, settings):
    settings.SITE_URL = "https://tremplin.example.fr"

    spec = client.get("/api/v1/openapi.json").json()

    assert spec["servers"] == [{"url": "https://tremplin.example.fr", "description": "Tremplin"}]
    # Paths keep their /api/v1 prefix: the server is the site, not the API's folder.
    assert all(path.startswith("/api/v1/") for path in spec["paths"])


def test_each_operation_documents_the_errors_it_can_answer(spec):
    for path, method, operation in operations(spec):
        name = f"{method.upper()} {path}"
        responses = {int(code): response for code, response in operation["responses"].items()}
        parameters = operation.get("parameters", [])
        if parameters or "requestBody" in operation:
            assert 422 in responses, name
        if "requestBody" in operation:
            assert 400 in responses, name
        if any(parameter["in"] == "path" for parameter in parameters):
            assert 404 in responses, name
        if operation.get("security"):
            assert {401, 429} <= set(responses), name
        for code, response in responses.items():
            if code < 400:
                continue
            schema = resolved(spec, response["content"]["application/json"]["schema"])
            assert "detail" in schema["required"], (name, code)
            assert schema["properties"]["detail"]["type"] == "string", (name, code)


def test_each_operation_gives_an_example_that_fits_its_schema(spec):
    for path, method, operation in operations(spec):
        name = f"{method.upper()} {path}"
        success = [int(code) for code in operation["responses"] if int(code) < 300]
        assert success, name
        for code in success:
            content = operation["responses"][str(code)]["content"]["application/json"]
            assert "example" in content, (name, code)
            conforms(spec, content["schema"], content["example"])
        if "requestBody" in operation:
            body = operation["requestBody"]["content"]["application/json"]
            assert "example" in body, name
            conforms(spec, body["schema"], body["example"])
        for code, response in operation["responses"].items():
            content = response.get("content", {}).get("application/json", {})
            if int(code) >= 400 and "example" in content:
                conforms(spec, content["schema"], content["example"])


def test_an_example_that_breaks_its_schema_is_caught(spec):
    # The check above can fail: a required field missing is refused.
    operation = spec["paths"]["/api/v1/offers/{offer_id}"]["get"]
    content = operation["responses"]["200"]["content"]["application/json"]
    broken = {key: value for key, value in content["example"].items() if key != "title"}

    with pytest.raises(jsonschema.ValidationError, match="title"):
        conforms(spec, content["schema"], broken)


def date_parameters(spec):
    for path, method, operation in operations(spec):
        for parameter in operation.get("parameters", []):
            schema = parameter.get("schema", {})
            formats = {schema.get("format")} | {s.get("format") for s in schema.get("anyOf", [])}
            if parameter["in"] == "query" and formats & {"date", "date-time"}:
                yield path, method, parameter["name"]


def test_the_api_has_date_parameters_to_check(spec):
    found = {(path, name) for path, _method, name in date_parameters(spec)}

    assert {("/api/v1/offers", "du"), ("/api/v1/offers", "au"),
            ("/api/v1/offers", "updated_since")} <= found  # fmt: skip


@pytest.mark.parametrize("value", ["hier", "2026", "1733130000", "2026-13-01", "2026-02-30",
                                   "02/12/2026", "0001-01-01T00:00:00+05:00"])  # fmt: skip
def test_every_date_parameter_refuses_a_malformed_date_with_a_french_422(client, spec, value):
    OfferFactory(published=True)
    for path, method, name in date_parameters(spec):
        if name != "updated_since" and "T" in value:
            continue
        response = getattr(client, method)(path, {name: value})

        assert response.status_code == 422, (path, name, value, response.content)
        detail = response.json()["detail"]
        assert detail.startswith(f"Paramètres invalides : {name} : « {value} »"), detail
        assert ("n’est pas une date" in detail) or ("hors des dates possibles" in detail)
        assert response.json()["errors"][0]["loc"] == ["query", name]


def test_a_well_formed_date_is_still_read(client):
    offer = OfferFactory(published=True)

    for query in ({"updated_since": "2020-01-01"}, {"updated_since": "2020-01-01T00:00:00Z"},
                  {"updated_since": "2020-01-01T01:00:00+01:00"}, {"du": "2020-01-01"}):  # fmt: skip
        response = client.get("/api/v1/offers", query)
        assert response.status_code == 200, (query, response.content)
        assert [item["id"] for item in response.json()["results"]] == [offer.pk]


def test_a_timezone_whose_plus_was_not_encoded_gets_a_hint(client):
    response = client.get("/api/v1/offers", {"updated_since": "2026-12-01T10:00:00 01:00"})

    assert response.status_code == 422
    assert "encodez le « + »" in response.json()["detail"]


def test_a_body_that_is_not_json_is_a_french_400(client, monkeypatch):
    from tests.organisations.factories import MembershipFactory, OrganisationFactory
    from tremplin.syndication.services_tokens import api_token_create

    organisation = OrganisationFactory(verified=True)
    admin = MembershipFactory(admin=True, organisation=organisation).user
    token = api_token_create(organisation=organisation, name="test", by=admin)[1]

    response = client.post("/api/v1/offers", "{pas du json", content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")  # fmt: skip

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Corps de requête illisible : envoyez un objet JSON valide "
        "(Content-Type: application/json)."
    }
