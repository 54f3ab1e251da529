"""youcam-units: read, export and keep a local copy of your YouCam API unit history."""

__all__: list[str] = []
