"""The building blocks' content types and the pages visitors get from them.

Each block a site can enable brings its types here: schemas and classes in
:mod:`pro.content.content`, the news behavior in :mod:`pro.content.behaviors`,
the site's topics in :mod:`pro.content.topics`, catalog indexers in
:mod:`pro.content.indexers` and the pages in :mod:`pro.content.views`.
"""

import logging


logger = logging.getLogger("pro.content")
