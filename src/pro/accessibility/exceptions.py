"""Errors of the accessibility checks."""

from Products.CMFCore.WorkflowCore import WorkflowException


class PublicationRefused(WorkflowException):
    """An item was not published because its text has accessibility errors.

    A ``WorkflowException``, so every path that publishes (Classic UI,
    plone.restapi's ``@workflow``, plone.api) stops and changes nothing.
    ``findings`` are the errors; ``details`` the same as JSON for an API.
    (plone.api's ``transition`` reports any ``WorkflowException`` as an
    invalid transition; call ``portal_workflow.doActionFor`` to get this one.)
    """

    def __init__(self, title, findings: list | None = None):
        if isinstance(title, PublicationRefused):
            # CMFCore's workflow tool raises a copy made from the original.
            title, findings = title.title, title.findings
        self.title = title
        self.findings = list(findings or ())
        problems = "; ".join(
            f"{finding.field}: {finding.text('en')}"
            + (f" ({finding.excerpt})" if finding.excerpt else "")
            for finding in self.findings
        )
        super().__init__(
            f"'{title}' was not published: fix these accessibility errors "
            f"first. {problems}"
        )

    @property
    def details(self) -> list[dict]:
        return [finding.as_json() for finding in self.findings]
