from tests.config.test_settings import run_manage


def test_openapi_schema_validates_without_warnings(tmp_path):
    result = run_manage(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"),
        REELMILL_VAR_DIR=str(tmp_path),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    schema = (tmp_path / "schema.yml").read_text()
    for route in ("/api/v1/media/", "/api/v1/media/random/{kind}/", "/api/v1/media/import-url/",
                  "/api/v1/media/bulk/", "/api/v1/media/stats/", "/api/v1/media/{id}/download/",
                  "/api/v1/media/{id}/thumbnail/"):  # fmt: skip
        assert f"{route}:" in schema, route
    assert "existing_id: 42" in schema  # the 409 example
