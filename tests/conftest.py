"""Shared pytest setup: the real-peer fixtures (Kamailio, JsSIP, PulseAudio)."""

pytest_plugins = ["tests.peers.fixtures"]
