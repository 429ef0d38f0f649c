"""The Mediatheek: the platform's shared library of photos, video and audio."""
