"""The domain event types keep their dataclass behaviour with the quicker ``__init__``
(``switch._quick_init``): same signature and defaults, fields set in order, frozen, equal and
hashable, ``replace``/``asdict``/pickle working."""

import dataclasses
import inspect
import pickle

import pytest

from hotline_tui import switch as sw

TYPES = [*sw.SwitchEvent.__args__, sw.AgentRow, sw.TierRow, sw.MemberRow, sw.ChannelRow]


def sample(cls, salt: str = ""):
    """One distinct value per required field, by its annotation."""
    vals = {}
    for i, f in enumerate(dataclasses.fields(cls)):
        if f.default is not dataclasses.MISSING:
            continue
        vals[f.name] = {"float": 1.5 + i, "int": 7 + i, "bool": True}.get(f.type, f"{f.name}{salt}")
    return vals


@pytest.mark.parametrize("cls", TYPES, ids=lambda c: c.__name__)
def test_quick_init_keeps_the_dataclass_contract(cls):
    assert cls.__init__.__qualname__ == f"{cls.__qualname__}.__init__"
    assert any(v.startswith("_s_") for v in cls.__init__.__code__.co_freevars)   # the quick init is in place
    params = list(inspect.signature(cls).parameters.values())
    assert [(p.name, p.default) for p in params] == [
        (f.name, inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default)
        for f in dataclasses.fields(cls)]
    kw = sample(cls)
    obj = cls(**kw)
    assert obj == cls(*kw.values()) and hash(obj) == hash(cls(*kw.values()))
    for f in dataclasses.fields(cls):
        assert getattr(obj, f.name) == kw.get(f.name, f.default)
    assert obj != cls(**sample(cls, "x"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(obj, dataclasses.fields(cls)[0].name, "changed")
    first = dataclasses.fields(cls)[0].name
    assert getattr(dataclasses.replace(obj, **{first: "other"}), first) == "other"
    assert dataclasses.asdict(obj) == {f.name: getattr(obj, f.name) for f in dataclasses.fields(cls)}
    assert pickle.loads(pickle.dumps(obj)) == obj
    with pytest.raises(TypeError):
        cls()                                                     # required fields stay required
    with pytest.raises(TypeError):
        cls(**kw, no_such_field=1)
