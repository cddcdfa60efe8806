from tests.fakes import agent_scenes as scenes
from tests.ui.conftest import Desk


def test_window_shows_each_scene(desk: Desk) -> None:
    for name, make in scenes.SCENES.items():
        desk.show(make())
        assert desk.window.isVisible(), name
