"""Landing pages: a page made of an ordered set of page blocks.

Every site's home page is one, and editors make more. Each block is a small
Dexterity item inside the landing page, so adding, editing, reordering (in the
folder's contents view) and removing blocks is ordinary Plone editing, and each
block's fields are validated by its schema.
"""

import logging


logger = logging.getLogger("pro.landing")
