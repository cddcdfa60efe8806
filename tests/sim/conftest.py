from tests.peers.mediatel import mediatel_sim

__all__ = ["mediatel_sim"]
