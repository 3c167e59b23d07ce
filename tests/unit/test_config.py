"""Settings: defaults, then the YAML file (with ${VAR} substitution), then CLIENTELA_* env."""

import json

import pytest

from clientela.config import ConfigError, Settings, load_settings


@pytest.fixture(autouse=True)
def _no_stray_config_file(tmp_path, monkeypatch):
    """load_settings picks up ./clientela.yaml: run from an empty directory."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def config_file(tmp_path):
    def write(text):
        path = tmp_path / "settings.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


def test_defaults_when_there_is_no_file_and_no_environment():
    assert load_settings(None, {}) == Settings()
    assert Settings().amqp_uri == "amqp://guest:guest@127.0.0.1:5672/"
    assert Settings().mongo_uri == ""


def test_file_values_are_read_and_typed(config_file):
    path = config_file(
        "amqp_uri: amqp://crm:secret@rabbit:5672/\n"
        "db_prefix: crm\n"
        "event_retry_attempts: 3\n"
        "rpc_timeout_s: 12.5\n"
    )

    settings = load_settings(path, {})

    assert settings.amqp_uri == "amqp://crm:secret@rabbit:5672/"
    assert settings.db_prefix == "crm"
    assert settings.event_retry_attempts == 3
    assert settings.rpc_timeout_s == 12.5
    assert settings.log_level == "INFO"  # untouched settings keep their default


def test_file_is_found_through_clientela_config(config_file):
    path = config_file("db_prefix: from_env_path\n")

    assert load_settings(None, {"CLIENTELA_CONFIG": str(path)}).db_prefix == "from_env_path"


def test_clientela_yaml_in_the_working_directory_is_used(tmp_path):
    (tmp_path / "clientela.yaml").write_text("db_prefix: local\n", encoding="utf-8")

    assert load_settings(None, {}).db_prefix == "local"


def test_variables_are_substituted_in_file_values(config_file):
    path = config_file(
        "amqp_uri: amqp://${RABBIT_USER}:${RABBIT_PASSWORD}@${RABBIT_HOST:localhost}:5672/\n"
        "embedded_db_port: ${DB_PORT}\n"
    )
    environ = {"RABBIT_USER": "crm", "RABBIT_PASSWORD": "s3cret", "DB_PORT": "27100"}

    settings = load_settings(path, environ)

    assert settings.amqp_uri == "amqp://crm:s3cret@localhost:5672/"
    assert settings.embedded_db_port == 27100


def test_a_set_variable_wins_over_its_default(config_file):
    path = config_file("mongo_uri: ${MONGO_URI:mongodb://localhost/}\n")

    assert load_settings(path, {"MONGO_URI": "mongodb://db/"}).mongo_uri == "mongodb://db/"


def test_an_empty_default_is_allowed(config_file):
    assert load_settings(config_file("mongo_uri: ${MONGO_URI:}\n"), {}).mongo_uri == ""


def test_a_missing_variable_without_default_is_an_error_naming_it(config_file):
    path = config_file("amqp_uri: amqp://${RABBIT_HOST}/\n")

    with pytest.raises(ConfigError, match="RABBIT_HOST"):
        load_settings(path, {})


def test_environment_wins_over_the_file(config_file):
    path = config_file("db_prefix: from_file\nevent_retry_attempts: 3\n")
    environ = {"CLIENTELA_DB_PREFIX": "from_env", "CLIENTELA_EVENT_RETRY_ATTEMPTS": "9"}

    settings = load_settings(path, environ)

    assert settings.db_prefix == "from_env"
    assert settings.event_retry_attempts == 9


def test_naive_times_are_utc_unless_a_default_time_zone_is_set():
    assert load_settings(None, {}).default_time_zone == "UTC"
    environ = {"CLIENTELA_DEFAULT_TIME_ZONE": "America/Mexico_City"}
    assert load_settings(None, environ).default_time_zone == "America/Mexico_City"


def test_environment_alone_overrides_defaults():
    settings = load_settings(None, {"CLIENTELA_POINTS_PER_CURRENCY_UNIT": "2.5"})

    assert settings.points_per_currency_unit == 2.5


def test_an_unknown_setting_in_the_file_is_an_error_naming_it(config_file):
    path = config_file("db_prefix: crm\namqp_url: amqp://typo/\n")

    with pytest.raises(ConfigError, match="amqp_url"):
        load_settings(path, {})


@pytest.mark.parametrize(
    ("text", "environ"),
    [
        ("event_retry_attempts: many\n", {}),
        ("", {"CLIENTELA_EVENT_RETRY_ATTEMPTS": "many"}),
    ],
    ids=["file", "environment"],
)
def test_a_non_numeric_value_for_a_number_is_an_error_naming_the_setting(
    config_file, text, environ
):
    with pytest.raises(ConfigError, match="event_retry_attempts"):
        load_settings(config_file(text), environ)


def test_a_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match=r"missing\.yaml"):
        load_settings(tmp_path / "missing.yaml", {})


def test_a_file_that_is_not_a_mapping_is_a_config_error(config_file):
    with pytest.raises(ConfigError, match="mapping"):
        load_settings(config_file("- amqp_uri\n- mongo_uri\n"), {})


def test_settings_travel_through_the_nameko_config():
    settings = Settings(db_prefix="crm", rpc_timeout_s=3.5, event_retry_attempts=2)

    config = settings.nameko_config()

    assert config["AMQP_URI"] == settings.amqp_uri
    assert config["serializer"] == "json"
    assert Settings.from_nameko(config) == settings
    # a nameko config may be serialised (e.g. into a YAML/JSON file) on the way
    assert Settings.from_nameko(json.loads(json.dumps(config))) == settings


def test_a_nameko_config_without_clientela_settings_gives_defaults():
    assert Settings.from_nameko({"AMQP_URI": "amqp://elsewhere/"}) == Settings()


def test_each_service_owns_a_database_named_after_the_prefix():
    assert Settings(db_prefix="crm_test").database_name("prospects") == "crm_test_prospects"
    assert Settings().database_name("kpi") == "clientela_kpi"


@pytest.mark.parametrize("value", ["2.7", "true", "~", "[1, 2]"])
def test_a_whole_number_setting_refuses_anything_but_a_whole_number(config_file, value):
    with pytest.raises(ConfigError, match="event_retry_attempts"):
        load_settings(config_file(f"event_retry_attempts: {value}\n"), {})


def test_an_empty_text_setting_is_an_error_not_the_word_none(config_file):
    with pytest.raises(ConfigError, match="log_level"):
        load_settings(config_file("log_level: ~\n"), {})


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"CLIENTELA_LOG_LEVEL": "LOUD"}, "log_level"),
        ({"CLIENTELA_LOG_FORMAT": "xml"}, "log_format"),
        ({"CLIENTELA_EVENT_RETRY_ATTEMPTS": "0"}, "event_retry_attempts"),
        ({"CLIENTELA_EVENT_RETRY_DELAY_MS": "-1"}, "event_retry_delay_ms"),
        ({"CLIENTELA_EVENT_BATCH_SIZE": "0"}, "event_batch_size"),
        ({"CLIENTELA_EVENT_BATCH_LINGER_MS": "-5"}, "event_batch_linger_ms"),
        ({"CLIENTELA_POINTS_PER_CURRENCY_UNIT": "-0.5"}, "points_per_currency_unit"),
        ({"CLIENTELA_REFERRAL_REWARD_POINTS": "-1"}, "referral_reward_points"),
        ({"CLIENTELA_RPC_TIMEOUT_S": "0"}, "rpc_timeout_s"),
        ({"CLIENTELA_EMBEDDED_DB_PORT": "70000"}, "embedded_db_port"),
        ({"CLIENTELA_HEALTH_ADDRESS": "8001"}, "health_address"),
        ({"CLIENTELA_DASHBOARD_ADDRESS": "dashboard"}, "dashboard_address"),
        ({"CLIENTELA_FEEDBACK_HTTP_ADDRESS": "localhost"}, "feedback_http_address"),
        ({"CLIENTELA_SURVEY_LINK_SECRET": "short"}, "survey_link_secret: must be at least 32"),
        ({"CLIENTELA_SURVEY_LINK_DAYS": "0"}, "survey_link_days"),
        ({"CLIENTELA_SURVEY_CHANNEL_TIMEOUT_S": "0"}, "survey_channel_timeout_s"),
        ({"CLIENTELA_DEFAULT_TIME_ZONE": "Europe/Madird"}, "default_time_zone.*Europe/Madird"),
    ],
)
def test_unusable_values_are_refused_naming_the_setting(environ, named):
    with pytest.raises(ConfigError, match=named):
        load_settings(None, environ)


def test_a_file_that_is_not_yaml_is_a_config_error(config_file):
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_settings(config_file("log_level: [\n"), {})


@pytest.mark.parametrize(
    ("text", "durable"), [("true", True), ("no", False), ("OFF", False), ("1", True)]
)
def test_a_yes_or_no_setting_reads_the_usual_words(text, durable):
    environ = {"CLIENTELA_EMBEDDED_DB_DURABLE": text}

    assert load_settings(None, environ).embedded_db_durable is durable


def test_a_yes_or_no_setting_takes_yaml_booleans_and_refuses_other_words(config_file):
    assert (
        load_settings(config_file("embedded_db_durable: false\n"), {}).embedded_db_durable is False
    )
    with pytest.raises(ConfigError, match="embedded_db_durable: expected true or false"):
        load_settings(None, {"CLIENTELA_EMBEDDED_DB_DURABLE": "maybe"})
