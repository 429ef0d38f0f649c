"""Accessibility checks while editing, site reports and the accessibility statement."""
