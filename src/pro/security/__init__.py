"""Platform-wide security: response headers, security.txt and login limits."""
