"""Two instances subscribing different addresses at once do not conflict."""

from conftest import subscribe
from pro.mail.storage import ANNOTATION_KEY
from pro.mail.storage import Subscriber
from ZODB.POSException import ConflictError
from zope.annotation.interfaces import IAnnotations
import pytest
import transaction


CHANNEL = "newsletter:waterbeheer"


@pytest.mark.parametrize(
    "addresses, conflict",
    [
        (("anna@example.org", "anne@example.org"), False),
        # The same address twice at once is a real conflict: Zope retries one.
        (("anna@example.org", "anna@example.org"), True),
    ],
)
def test_concurrent_subscriptions_conflict_only_for_the_same_address(
    functional, site, addresses, conflict
):
    # The channel exists with members, as on a live site.
    for number in range(5):
        subscribe(f"lid{number}@example.org", [CHANNEL])
    transaction.commit()
    db = functional["app"]._p_jar.db()

    # Two connections with their own transactions, as two instances have.
    managers = [transaction.TransactionManager() for _ in range(2)]
    connections = [db.open(transaction_manager=tm) for tm in managers]
    stores = [
        IAnnotations(c.root()["Application"]["plone"])[ANNOTATION_KEY]
        for c in connections
    ]
    for store, address in zip(stores, addresses, strict=True):
        subscriber = Subscriber(address)
        subscriber.channels = {CHANNEL: {"given_at": "", "where": ""}}
        store.subscribers[address] = subscriber
        store.members[CHANNEL].insert(address)

    # Both touch the same buckets; BTree conflict resolution merges them.
    managers[0].commit()
    if conflict:
        with pytest.raises(ConflictError):
            managers[1].commit()
        managers[1].abort()
    else:
        managers[1].commit()
    for connection in connections:
        connection.close()

    transaction.begin()
    store = IAnnotations(site.aq_parent)[ANNOTATION_KEY]
    assert set(addresses) <= set(store.subscribers)
    assert set(addresses) <= set(store.members[CHANNEL])


def test_used_confirmation_links_are_forgotten_once_expired(site):
    from pro.mail.storage import mail_store
    from pro.mail.subscriptions import forget_expired_links
    from zope.component.hooks import getSite
    import time

    subscribe("anna@example.org", [CHANNEL])
    store = mail_store(getSite())
    (nonce,) = store.used_tokens.keys()

    assert forget_expired_links(store, time.time()) == 0
    assert forget_expired_links(store, store.used_tokens[nonce] + 1) == 1
    assert len(store.used_tokens) == 0
