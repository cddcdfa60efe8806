"""Controllers: connect the views' signals to the bridge, and the bridge's to the views.

They hold no state of the agent's (that is the snapshot's) and no layout
(that is the views'); each one wires one area of the window.
"""
