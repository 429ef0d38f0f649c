"""The Mediatheek: the platform's shared library of photos, video and audio.

Outside photographers and video makers upload into its inbox, curators
describe and publish, and the editors of every site place published items on
their pages by reference, so an item is stored once and knows where it is used.
"""

import logging


logger = logging.getLogger("pro.media")
