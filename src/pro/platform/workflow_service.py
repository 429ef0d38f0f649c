"""``POST <item>/@workflow/<transition>`` that changes nothing when refused.

plone.restapi's own service needs only the View permission and, before it
tries the transition, stamps an effective date on the item and reindexes it;
when the transition is then refused it answers 400 and the stamp is committed.
A visitor could so change the dates of any published item. This service first
asks the workflow whether the user may take the transition here, and dooms the
transaction whenever the answer is an error, so a refused call writes nothing.
A refusal that carries ``details`` (a list of problems, ready for JSON) answers
them beside its message.
"""

from plone.restapi.services.workflow.transition import WorkflowTransition
from Products.CMFCore.WorkflowCore import WorkflowException
from zExceptions import Unauthorized
import transaction


class GuardedWorkflowTransition(WorkflowTransition):
    refusal = None

    def reply(self):
        if self.transition is not None and not self._may_take_transition():
            raise Unauthorized(
                f"You may not take the transition {self.transition!r} here."
            )
        result = super().reply()
        if self.request.response.getStatus() >= 400:
            transaction.doom()
            details = getattr(self.refusal, "details", None)
            if details is not None and "error" in result:
                result["error"]["details"] = details
        return result

    def recurse_transition(self, *args, **kwargs):
        try:
            return super().recurse_transition(*args, **kwargs)
        except WorkflowException as refusal:
            self.refusal = refusal
            raise

    def _may_take_transition(self) -> bool:
        available = {
            transition["id"]
            for transition in self.wftool.getTransitionsFor(self.context)
        }
        if self.transition in available:
            return True
        try:
            return self.is_same_state(self.context)
        except WorkflowException:
            # An item without a workflow (a file, an image): the stock
            # service refuses it with 400, and a refusal writes nothing.
            return True
