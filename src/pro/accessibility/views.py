"""The accessibility pages of a site and the publishing form that explains a
refusal."""

from datetime import date
from plone import api
from plone.app.content.browser.content_status_modify import ContentStatusModifyView
from plone.app.layout.viewlets.common import ViewletBase
from pro import _
from pro.accessibility.checks import check_content
from pro.accessibility.checks import ERROR
from pro.accessibility.checks import WARNING
from pro.accessibility.events import show_findings
from pro.accessibility.exceptions import PublicationRefused
from pro.accessibility.report import site_report
from pro.accessibility.report import SiteReport
from pro.platform.settings import site_settings
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
import transaction


SEVERITY_LABELS = {
    ERROR: _("a11y_severity_error", default="Error"),
    WARNING: _("a11y_severity_warning", default="Warning"),
}


class CheckedContentStatusModify(ContentStatusModifyView):
    """Plone's publishing form, which shows a refused publication's problems
    as messages on the item instead of an error page."""

    def __call__(self, workflow_action=None, *args, **kwargs):
        try:
            return super().__call__(workflow_action, *args, **kwargs)
        except PublicationRefused as refusal:
            # The form may have set a publication date before the workflow
            # refused; nothing of the attempt is kept.
            transaction.doom()
            show_findings(self.request, refusal.findings, refused=True)
            return self.request.response.redirect(self.context.absolute_url())


class AccessibilityReport(BrowserView):
    """``@@toegankelijkheid``: the site's problems by kind and by page, with
    the counts of earlier days."""

    def __call__(self):
        self.report: SiteReport = site_report(self.context)
        return self.index()

    def kinds(self) -> list[dict]:
        return [
            {
                "code": code,
                **kind,
                "message": kind["example"].message,
                "severity_label": SEVERITY_LABELS[kind["severity"]],
            }
            for code, kind in self.report.by_kind().items()
        ]


class AccessibilityStatement(BrowserView):
    """``@@toegankelijkheidsverklaring``: a draft accessibility statement in
    the site's language, filled with its settings and today's report."""

    dutch = ViewPageTemplateFile("templates/statement_nl.pt")
    english = ViewPageTemplateFile("templates/statement_en.pt")

    def __call__(self):
        self.report: SiteReport = site_report(self.context)
        self.settings = site_settings(self.context)
        if self.language == "en":
            return self.english()
        return self.dutch()

    @property
    def language(self) -> str:
        """``?language=en`` or ``nl`` if asked for, else the site's own."""
        asked = self.request.form.get("language")
        if asked in ("nl", "en"):
            return asked
        return "en" if self.settings.default_language == "en" else "nl"

    def today(self) -> str:
        return date.today().isoformat()

    def organisation(self) -> str:
        return self.settings.organisation or self.context.Title()

    def addresses(self) -> list[str]:
        """Where visitors reach the site: its domains, else its URL."""
        domains = [f"https://{domain}" for domain in self.settings.domains]
        return domains or [self.context.absolute_url()]

    def compliant_in_part(self) -> bool:
        """No error the checks can find; an audit decides the rest."""
        return self.report.errors == 0

    def kinds(self) -> list[dict]:
        return [
            {
                "code": code,
                "count": kind["count"],
                "pages": kind["pages"],
                "criterion": kind["criterion"],
                "severity": kind["severity"],
                "text": kind["example"].text(self.language),
            }
            for code, kind in self.report.by_kind().items()
        ]

    def contact(self) -> dict:
        """The site's contact page, with its e-mail address and phone."""
        brains = api.content.find(
            context=self.context, portal_type="ContactPage", sort_on="path"
        )
        if not brains:
            return {}
        page = brains[0].getObject()
        return {
            "url": page.absolute_url(),
            "email": getattr(page, "email", "") or "",
            "phone": getattr(page, "phone", "") or "",
        }


class FindingsViewlet(ViewletBase):
    """Above the edit form: what the checks find on the item as saved, so an
    editor sees the warnings while changing the text."""

    index = ViewPageTemplateFile("templates/findings_viewlet.pt")
    EDIT_VIEWS = frozenset({"edit", "@@edit"})

    def update(self) -> None:
        super().update()
        self.findings = []
        if getattr(self.view, "__name__", "") in self.EDIT_VIEWS:
            self.findings = check_content(self.context)

    def available(self) -> bool:
        return bool(self.findings)

    def errors(self) -> int:
        return sum(finding.is_error for finding in self.findings)
