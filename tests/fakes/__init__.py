"""Fakes for unit tests of one layer.

``agent.FakeAgent``: the integration API's; ``scripted_agent.FakeAgent``: the UI's.
"""
