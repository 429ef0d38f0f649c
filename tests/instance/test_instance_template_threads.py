"""Templates compile in parallel request threads without failing.

A freshly started instance compiles its templates while it serves its first
requests, several at a time. On the Pythons named in ``pro.threadsafe_ast`` two
overlapping compilations could fail one of the requests.
"""

from chameleon import PageTemplate
from pro import threadsafe_ast
import gc
import pytest
import sys
import threading


# Sixty Python expressions make a template whose compilation spans many
# garbage collections.
TEMPLATE = "<div>{}</div>".format(
    "".join(
        f'<p tal:condition="python: {n} in (1, {n})"'
        f' tal:content="python: dict(n={n}, next=[{n} + 1])">x</p>'
        for n in range(60)
    )
)


@pytest.fixture
def collections_run_python_code():
    """Make every garbage collection run Python code and threads switch often.

    That is what an instance's request threads do under load: finalizers and
    weak reference callbacks run during a collection, and another thread takes
    over in between.
    """

    def on_collection(phase, info):
        sum(range(200))

    interval = sys.getswitchinterval()
    threshold = gc.get_threshold()
    gc.callbacks.append(on_collection)
    sys.setswitchinterval(1e-6)
    gc.set_threshold(50, 5, 5)
    yield
    gc.set_threshold(*threshold)
    sys.setswitchinterval(interval)
    gc.callbacks.remove(on_collection)


def test_templates_compile_in_parallel_threads(collections_run_python_code):
    failures = []

    def compile_template():
        try:
            PageTemplate(TEMPLATE).cook_check()
        except Exception as error:  # the test reports any failure, not one kind
            failures.append(error)

    threads = [threading.Thread(target=compile_template) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []


@pytest.mark.parametrize(
    ("version", "faulty"),
    [
        ((3, 10, 13), False),
        ((3, 11, 7), True),
        ((3, 11, 8), False),
        ((3, 12, 1), True),
        ((3, 12, 2), False),
        ((3, 13, 0), False),
    ],
)
def test_the_lock_is_taken_only_on_faulty_pythons(version, faulty):
    assert threadsafe_ast.has_shared_depth_count(version) is faulty
