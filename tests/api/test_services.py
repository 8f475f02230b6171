"""Each app builds its own core services in create_app: no process-wide LLM choice."""

from app import create_app
from app.extensions import CoreServices


def test_each_app_keeps_its_own_services(app_config):
    with_llm = create_app({**app_config, "LLM_BASE_URL": "http://127.0.0.1:9/v1"})
    plain = create_app(app_config)  # built last: must not change the first app's choice
    llm_services = with_llm.extensions[CoreServices.KEY]
    plain_services = plain.extensions[CoreServices.KEY]
    assert llm_services.title_llm is not None
    assert llm_services.summariser.llm is llm_services.title_llm
    assert plain_services.title_llm is None and plain_services.summariser.llm is None
    for app in (with_llm, plain):
        app.extensions["mongo"].client.drop_database(app_config["MONGO_DB"])
        app.extensions["mongo"].client.close()
