"""Runtime assets (sounds, icons) shipped inside the package."""
