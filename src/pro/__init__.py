"""PRO: one Plone platform that hosts the websites of many organisations.

Each capability lives in its own subpackage (``platform``, ``instance``, ...);
this module only holds what all of them share.
"""

from pro import threadsafe_ast
from zope.i18nmessageid import MessageFactory


PACKAGE_NAME = "pro"

_ = MessageFactory("pro")

threadsafe_ast.install()
