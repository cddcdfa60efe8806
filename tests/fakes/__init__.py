"""Fakes for unit tests of one layer: the integration API's ``agent.FakeAgent``, the UI's ``scripted_agent.FakeAgent``."""
