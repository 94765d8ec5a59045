"""A chunk's results read back from a worker equal the results evaluated here.

``evalrules._compiler._wire`` writes a chunk's scorecards and every value in them as a call
of a restore function on their fields; what the caller reads back must be the same values:
equal, of the same types all the way down, the same JSON, pickling to the same value, for
scores-only and explained cards of generated documents, refusals among them.
"""

from __future__ import annotations

import pickle

import attrs
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from _examples import share
from _values import same_values
from evalrules._compiler._compiled import _evaluate_one, evaluate_packed
from evalrules._compiler._wire import pack, unpack
from evalrules.errors import FactsError
from evalrules.testing import invalid_facts, valid_facts


def _same(back, here) -> None:
    assert len(back) == len(here)
    for mine, theirs in zip(back, here, strict=True):
        if isinstance(theirs, FactsError):
            assert isinstance(mine, FactsError)
            assert mine.problems == theirs.problems
            continue
        assert type(mine) is type(theirs)
        assert mine == theirs
        for field in attrs.fields(type(theirs)):
            assert getattr(mine, field.name) == getattr(theirs, field.name), field.name
        same_values(mine, theirs)  # the same types all the way down, decimals written alike
        assert mine.to_json() == theirs.to_json()
        again = pickle.loads(pickle.dumps(mine))
        assert again == theirs
        assert again.to_json() == theirs.to_json()
        assert list(mine.walk()) == list(theirs.walk())


@given(data=st.data(), explain=st.booleans())
@share(3, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_chunk_of_generated_documents_reads_back_as_evaluated_here(compiled, data, explain):
    docs = data.draw(st.lists(valid_facts(compiled), min_size=1, max_size=4))
    if data.draw(st.booleans()):
        docs.insert(data.draw(st.integers(0, len(docs))), data.draw(invalid_facts(compiled)).facts)
    here = [_evaluate_one(compiled, d, explain, False) for d in docs]
    _same(unpack(pack(here)), here)
    # and through the worker's task itself, the documents travelling as one pickle
    sent = pickle.dumps(docs, pickle.HIGHEST_PROTOCOL)
    packed = evaluate_packed(pickle.dumps(compiled), sent, explain, False)
    _same(unpack(packed), here)
