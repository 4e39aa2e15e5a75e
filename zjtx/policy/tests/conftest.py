import pytest


@pytest.fixture
def loaded_policies(db):
    from zjtx.policy.services import policies_load

    return policies_load()


@pytest.fixture
def officer_client(client, make_user, units, login):
    user = make_user("unit_officer", unit=units["镜湖区"])
    return login(user)
