"""Type-checked with `mypy --strict` against the client that
openapi-python-client generates from spec/dist/braze.json
(`cargo xtask publish-check --only python-client`): a request a Python user
would write must fit the generated types, and the response must be usable
without casts."""

from braze_rest_api_client import AuthenticatedClient
from braze_rest_api_client.api.user_data import users_track
from braze_rest_api_client.models import (
    BrazeError,
    UserAttributes,
    UsersTrackRequest,
    UsersTrackResponse,
)


def track_first_name(client: AuthenticatedClient, external_id: str, name: str) -> int:
    """Records one attribute; returns how many attributes Braze processed."""
    attributes = UserAttributes(external_id=external_id)
    attributes.additional_properties["first_name"] = name
    response = users_track.sync(client=client, body=UsersTrackRequest(attributes=[attributes]))
    if isinstance(response, UsersTrackResponse):
        processed = response.attributes_processed
        return processed if isinstance(processed, int) else 0
    if isinstance(response, BrazeError):
        raise RuntimeError(response.message)
    raise RuntimeError("no response")


def make_client(key: str) -> AuthenticatedClient:
    return AuthenticatedClient(base_url="https://rest.iad-01.braze.com", token=key)
