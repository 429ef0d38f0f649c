"""The base theme and each site's identity."""
