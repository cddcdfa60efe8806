"""Layout only: widgets that render an ``AgentSnapshot`` and expose their controls.

A view never calls the session: controllers connect its signals to the bridge.
"""
