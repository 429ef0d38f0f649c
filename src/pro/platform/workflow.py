"""The workflow policy every site runs under.

One placeful policy, ``pro_site``, is shared by all sites and bound to each site
when it is made: content follows ``pro_publication_workflow`` (editors submit,
chief editors publish), the site root follows ``pro_site_workflow`` (live or
archived), and files and images take the state of the page that holds them.
A profile that needs other rules gets a policy of its own, not a change here.
"""

from DateTime import DateTime
from pro.landing.content import BLOCK_TYPES
from Products.CMFCore.utils import getToolByName
from Products.CMFPlacefulWorkflow.DefaultWorkflowPolicy import DEFAULT_CHAIN


POLICY_ID = "pro_site"
CONTENT_WORKFLOW = "pro_publication_workflow"
SITE_WORKFLOW = "pro_site_workflow"
# Page blocks are seen, or not, with the landing page that holds them.
NO_WORKFLOW_TYPES = ("File", "Image", *BLOCK_TYPES)


def install_site_policy(portal) -> None:
    tool = getToolByName(portal, "portal_placeful_workflow")
    if POLICY_ID not in tool.objectIds():
        tool.manage_addWorkflowPolicy(POLICY_ID)
    policy = tool.getWorkflowPolicyById(POLICY_ID)
    policy.setTitle("PRO site")
    policy.setDefaultChain((CONTENT_WORKFLOW,))
    # A type without an entry falls back to the global chain, not to the
    # policy's default, so every type gets one; run again when types are added.
    for type_name in getToolByName(portal, "portal_types").listContentTypes():
        policy.setChain(type_name, (DEFAULT_CHAIN,))
    policy.setChain("Website", (SITE_WORKFLOW,))
    for type_name in NO_WORKFLOW_TYPES:
        policy.setChain(type_name, ())


def uninstall_site_policy(portal) -> None:
    tool = getToolByName(portal, "portal_placeful_workflow", None)
    if tool is not None and POLICY_ID in tool.objectIds():
        tool.manage_delObjects([POLICY_ID])


def bind_site_policy(site) -> None:
    """Make ``site`` and everything in it follow the platform's policy."""
    site.manage_addProduct["CMFPlacefulWorkflow"].manage_addWorkflowPolicyConfig()
    config = getToolByName(site, "portal_placeful_workflow").getWorkflowPolicyConfig(
        site
    )
    config.setPolicyIn(POLICY_ID)
    config.setPolicyBelow(POLICY_ID)


def stamp_publication_date(obj, event) -> None:
    """Give an item its publication date when it is first published.

    Plone's publishing form sets the effective date, but a transition made any
    other way (plone.api, scripts) leaves it empty, and listings, feeds and
    open data sort and filter on it.
    """
    if event.new_state is None or event.new_state.getId() != "published":
        return
    if getattr(obj, "EffectiveDate", None) is None or obj.EffectiveDate() != "None":
        return
    obj.setEffectiveDate(DateTime())
    obj.reindexObject(idxs=["effective", "effectiveRange"])
