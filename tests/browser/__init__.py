"""End-to-end journeys in headless Chromium (Playwright), against a real server on 127.0.0.1."""
