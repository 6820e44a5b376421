from playwright.sync_api import expect


def test_swagger_ui_renders_the_api_offline(page, screenshot):
    page.goto("/api/docs/")
    expect(page.get_by_text("ReelMill API").first).to_be_visible()
    expect(page.get_by_text("/api/v1/accounts/", exact=True).first).to_be_visible()
    screenshot("api-docs")
