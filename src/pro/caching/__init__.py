"""HTTP caching rules and purging for the platform's pages."""
