"""What the checks do to editing: errors stop publication, and every save
tells the editor what the checks found."""

from plone.rest.interfaces import IAPIRequest
from pro import _
from pro.accessibility import logger
from pro.accessibility.checks import check_content
from pro.accessibility.checks import Finding
from pro.accessibility.exceptions import PublicationRefused
from Products.statusmessages.interfaces import IStatusMessage
from zope.annotation.interfaces import IAnnotations
from zope.globalrequest import getRequest
from zope.i18n import translate


PUBLISHED = "published"
# The button of Plone's add and edit forms.
SAVE_BUTTON = "form.buttons.save"
REPORTED_KEY = "pro.accessibility.reported"


def refuse_publication_with_errors(obj, event) -> None:
    """Stop a transition into the published state while the item has errors.

    Runs before the workflow changes anything, so a refused item keeps its
    state; the caller's transaction is aborted with the exception.

    :raises PublicationRefused: listing every error and where it is.
    """
    transition = event.transition
    if transition is None or transition.new_state_id != PUBLISHED:
        return
    errors = [finding for finding in check_content(obj) if finding.is_error]
    if not errors:
        return
    logger.info(
        "Publication of %s refused: %d accessibility errors",
        "/".join(obj.getPhysicalPath()),
        len(errors),
    )
    raise PublicationRefused(obj.Title(), errors)


def report_findings_after_save(obj, event) -> None:
    """Show an editor who saved an add or edit form what the checks found.

    Only for the first item saved in a request: adding an item also modifies
    its folder, which the editor did not touch.
    """
    request = getRequest()
    if (
        request is None
        or IAPIRequest.providedBy(request)
        or SAVE_BUTTON not in getattr(request, "form", {})
    ):
        return
    annotations = IAnnotations(request)
    if annotations.get(REPORTED_KEY):
        return
    annotations[REPORTED_KEY] = True

    findings = check_content(obj)
    if findings:
        show_findings(request, findings)


def show_findings(request, findings: list[Finding], refused: bool = False) -> None:
    """Status messages for ``findings``: a summary, then one per problem."""
    errors = sum(finding.is_error for finding in findings)
    if refused:
        summary = _(
            "a11y_publication_refused",
            default="Not published: fix these ${errors} accessibility errors first.",
            mapping={"errors": errors},
        )
    else:
        summary = _(
            "a11y_findings_summary",
            default="Accessibility: ${errors} errors and ${warnings} warnings. "
            "Errors must be fixed before the item can be published.",
            mapping={"errors": errors, "warnings": len(findings) - errors},
        )
    messages = IStatusMessage(request)
    kind = "error" if errors else "warning"
    messages.add(translate(summary, context=request), type=kind)
    for finding in findings:
        messages.add(
            describe(finding, request), type="error" if finding.is_error else "warning"
        )


def describe(finding: Finding, request) -> str:
    """One line for an editor: where, what, and the text at fault."""
    text = f"{finding.field}: {translate(finding.message, context=request)}"
    if finding.excerpt:
        text += f" ({finding.excerpt})"
    return text
