"""The switch as the core sees it: domain events in, supervisor actions out.

The FreeSWITCH adapter (``backends/freeswitch``) turns ESL frames into these events; the
live projection (``hotline_tui/live``) applies them; screens call ``SwitchPort`` methods.
Times are epoch seconds (float) as the switch reports them; every event names its ``node``
(the switch it came from) so several switches can be merged.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from typing import Any, Awaitable, Literal, Protocol, Union, get_args

# mod_callcenter's vocabulary, exactly as the switch spells it.
AGENT_STATUSES = ("Logged Out", "Available", "Available (On Demand)", "On Break")
AGENT_STATES = ("Idle", "Waiting", "Receiving", "In a queue call")
ListenMode = Literal["listen", "whisper", "barge"]


@dataclass(frozen=True, slots=True)
class AgentStatusChanged:
    node: str
    at: float
    agent: str
    status: str


@dataclass(frozen=True, slots=True)
class AgentStateChanged:
    node: str
    at: float
    agent: str
    state: str


@dataclass(frozen=True, slots=True)
class AgentOffered:
    node: str
    at: float
    queue: str
    agent: str
    member_uuid: str
    caller_number: str = ""
    caller_name: str = ""


@dataclass(frozen=True, slots=True)
class MemberJoined:
    """A caller entered a queue (member-queue-start, or -resume when ``resumed``)."""

    node: str
    at: float
    queue: str
    member_uuid: str
    session_uuid: str
    caller_number: str = ""
    caller_name: str = ""
    resumed: bool = False
    base_score: int = 0        # the member channel's cc_base_score (a raised priority, a VIP line)


@dataclass(frozen=True, slots=True)
class BridgeStarted:
    node: str
    at: float
    queue: str
    agent: str
    member_uuid: str
    member_session_uuid: str
    agent_uuid: str
    joined_at: float
    answered_at: float
    caller_number: str = ""
    caller_name: str = ""


@dataclass(frozen=True, slots=True)
class BridgeEnded:
    node: str
    at: float
    queue: str
    agent: str
    member_uuid: str
    bridged: bool
    joined_at: float
    answered_at: float
    ended_at: float
    hangup_cause: str = ""


@dataclass(frozen=True, slots=True)
class BridgeFailed:
    node: str
    at: float
    queue: str
    agent: str
    member_uuid: str
    hangup_cause: str = ""


@dataclass(frozen=True, slots=True)
class AgentMaxNoAnswer:
    node: str
    at: float
    agent: str
    status: str


@dataclass(frozen=True, slots=True)
class MemberLeft:
    """A caller left a queue. ``cause`` is mod_callcenter's CC-Cause: 'Terminated' after a
    bridged call, 'Cancel' when the caller left without an agent (then ``cancel_reason`` is
    e.g. BREAK_OUT = hung up, TIMEOUT = max wait, NO_AGENT_TIMEOUT, EXIT_WITH_KEY)."""

    node: str
    at: float
    queue: str
    member_uuid: str
    session_uuid: str
    cause: str
    joined_at: float
    left_at: float
    cancel_reason: str = ""
    agent: str = ""
    answered_at: float = 0.0
    caller_number: str = ""
    caller_name: str = ""


@dataclass(frozen=True, slots=True)
class QueueCount:
    node: str
    at: float
    queue: str
    count: int


@dataclass(frozen=True, slots=True)
class ChannelCreated:
    node: str
    at: float
    uuid: str
    direction: str
    name: str = ""
    caller_number: str = ""
    caller_name: str = ""
    destination: str = ""


@dataclass(frozen=True, slots=True)
class ChannelAnswered:
    node: str
    at: float
    uuid: str


@dataclass(frozen=True, slots=True)
class ChannelBridged:
    node: str
    at: float
    a_uuid: str
    b_uuid: str


@dataclass(frozen=True, slots=True)
class ChannelHangup:
    node: str
    at: float
    uuid: str
    cause: str = ""


@dataclass(frozen=True, slots=True)
class PhoneRegistered:
    """A phone REGISTERed (mod_sofia ``sofia::register``, refreshes too): ``user`` is the SIP
    user (``from-user``), the extension an agent's contact names (docs/esl.md)."""

    node: str
    at: float
    user: str
    contact: str = ""
    expires_s: int = 0


@dataclass(frozen=True, slots=True)
class PhoneUnregistered:
    """A phone unREGISTERed (``sofia::unregister``: REGISTER with expires 0)."""

    node: str
    at: float
    user: str


@dataclass(frozen=True, slots=True)
class Heartbeat:
    node: str
    at: float
    uptime_ms: int = 0
    session_count: int = 0
    version: str = ""


@dataclass(frozen=True, slots=True)
class LinkUp:
    node: str
    at: float


@dataclass(frozen=True, slots=True)
class LinkDown:
    node: str
    at: float
    reason: str = ""


@dataclass(frozen=True, slots=True)
class AgentRow:
    name: str
    status: str
    state: str
    contact: str = ""
    last_status_change: float = 0.0
    calls_answered: int = 0
    talk_time: int = 0
    no_answer_count: int = 0
    wrap_up_time: int = 0
    last_bridge_end: float = 0.0
    last_bridge_start: float = 0.0     # when the agent's current/last call was bridged
    last_offered_call: float = 0.0     # when the agent was last offered a call (rang)


@dataclass(frozen=True, slots=True)
class TierRow:
    queue: str
    agent: str
    state: str = "Ready"
    level: int = 1
    position: int = 1


@dataclass(frozen=True, slots=True)
class MemberRow:
    queue: str
    uuid: str
    session_uuid: str
    state: str  # Waiting, Trying, Answered, Abandoned
    joined_at: float
    caller_number: str = ""
    caller_name: str = ""
    serving_agent: str = ""
    bridge_at: float = 0.0
    base_score: int = 0


@dataclass(frozen=True, slots=True)
class ChannelRow:
    uuid: str
    direction: str
    created_at: float
    name: str = ""
    state: str = ""
    callstate: str = ""
    caller_number: str = ""
    caller_name: str = ""
    destination: str = ""
    call_uuid: str = ""


@dataclass(frozen=True, slots=True)
class Resynced:
    """The switch's own tables after a (re)connect: replaces everything known about ``node``."""

    node: str
    at: float
    agents: tuple[AgentRow, ...] = ()
    tiers: tuple[TierRow, ...] = ()
    members: tuple[MemberRow, ...] = ()
    channels: tuple[ChannelRow, ...] = ()
    queues: tuple[str, ...] = ()
    # SIP users registered (``show registrations as json`` ``reg_user``); None when the switch
    # would not say (then registrations stay unknown for the node and nothing is flagged)
    registrations: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class CallerTaken:
    """Not from the switch: the hotline's own note that a supervisor is taking the waiting
    caller on channel ``session_uuid`` out of their queue (issue 18), given to the event sink
    just before the ``uuid_transfer``, so that the ``member-queue-end`` (Cancel, BREAK_OUT —
    all mod_callcenter says) that follows is counted as what it was. ``how``: "picked_up" (to
    the supervisor's phone: answered by the supervisor), "moved" (to another queue, or back
    into the same one with a new priority: transferred, offered again there), or "" (the
    transfer failed: forget the note). docs/kpi.md "Taken by a supervisor"."""

    node: str
    at: float
    session_uuid: str
    how: str = ""


SwitchEvent = Union[
    AgentStatusChanged, AgentStateChanged, AgentOffered, MemberJoined, BridgeStarted, BridgeEnded,
    BridgeFailed, AgentMaxNoAnswer, MemberLeft, QueueCount, ChannelCreated, ChannelAnswered,
    ChannelBridged, ChannelHangup, Heartbeat, LinkUp, LinkDown, Resynced, PhoneRegistered, PhoneUnregistered,
    CallerTaken,
]

class EventSink(Protocol):
    """The event sink port: what a switch adapter (``backends.freeswitch.SwitchCluster``, the
    replay of a recording) feeds every domain event to, in the order the switch sent them.
    Implemented by ``LiveState.apply`` and by whatever ``hotline.py`` chains in front of it
    (the recorder of the event stream); any ``(event) -> None`` callable fits."""

    def __call__(self, event: SwitchEvent, /) -> None:
        """Take one event; returns nothing. Must not block (it runs on the event loop, between
        two socket reads) and must not raise: the ESL adapter does not catch it, so an
        exception ends that link's reader and the link reconnects and resyncs."""
        ...


def _quick_init(cls: type) -> type:
    """Give a frozen slots dataclass a cheaper ``__init__`` with the same signature: each field
    is stored through its slot descriptor's ``__set__`` (bound once, at class creation) instead
    of the generated ``object.__setattr__(self, 'name', value)`` per field, which looks the
    name up on every call (the ESL live path builds one of these per event; half the cost of
    the constructor went there). Everything else stays the dataclass's own: frozen
    ``__setattr__``, ``__eq__``, ``__hash__``, ``__repr__``, ``fields``/``asdict``/``replace``,
    pickling. Classes with a default factory or ``__post_init__`` are left as they are."""
    fs = fields(cls)
    if hasattr(cls, "__post_init__") or any(f.default_factory is not MISSING or not f.init for f in fs):
        return cls
    names = [f.name for f in fs]                        # identifiers: dataclass field names
    params = ", ".join(n if f.default is MISSING else f"{n}=_d_{n}" for n, f in zip(names, fs))
    setters = {f"_s_{n}": getattr(cls, n).__set__ for n in names}
    defaults = {f"_d_{f.name}": f.default for f in fs if f.default is not MISSING}
    body = "".join(f"        _s_{n}(self, {n})\n" for n in names)
    src = (f"def _make({', '.join([*setters, *defaults])}):\n"
           f"    def __init__(self, {params}):\n{body}"
           f"    return __init__\n")
    scope: dict[str, Any] = {}
    exec(src, scope)                                    # noqa: S102 - source built from field names only
    init = scope["_make"](**setters, **defaults)
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    setattr(cls, "__init__", init)                     # replacing a class's __init__: mypy forbids the attribute form
    return cls


for _cls in (*get_args(SwitchEvent), AgentRow, TierRow, MemberRow, ChannelRow):
    _quick_init(_cls)
del _cls


@dataclass(frozen=True, slots=True)
class AgentRef:
    """An agent on one switch. The same id on two switches is two agents; ``node=None`` leaves
    the choice to the port (the only node that has the agent, else the first node up)."""

    agent: str
    node: str | None = None

    def label(self) -> str:
        """How results and audit name it: the id, with ``@node`` when the node is given."""
        return f"{self.agent}@{self.node}" if self.node else self.agent


@dataclass
class NodeHealth:
    """What an on-call engineer needs to know about one switch link."""

    node: str
    address: str
    link: Literal["connected", "reconnecting", "down"] = "down"
    last_heartbeat: float | None = None
    events_total: int = 0
    events_per_s: float = 0.0
    resyncs: int = 0
    errors: int = 0
    last_error: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class SwitchPort(Protocol):
    """Supervisor actions on the switch. Implemented by ``backends.freeswitch.SwitchCluster``
    (one or several FreeSWITCH nodes, real or the simulator). Every action is a coroutine:
    it does not block the event loop and returns when the switch answered. Every action
    raises ``LinkError`` when the link is down or the switch did not answer in time,
    ``ValidationError`` for an argument that cannot go on the wire (a name with spaces or
    quotes, a bad number), and ``HotlineError`` with the switch's own ``-ERR`` text for any
    other refusal. No store behind it: no ``StoreError``. Permission checks are the caller's
    job (``hotline_tui.supervisor`` wraps these with permission and audit).

    Several switches: every agent, call and caller belongs to the node that reported it
    (the ``node`` of its events and views), and each action goes to ``node``. ``node=None``
    lets the port choose: the one node that has the agent (when the adapter is told), else the
    first node that is up. A ``node`` that is not configured raises NotFound; one whose link
    is down raises LinkError (never another node: the same agent id on another switch is
    another agent)."""

    def set_agent_status(self, agent: str, status: str, *, node: str | None = None) -> Awaitable[None]:
        """Set the agent's mod_callcenter status (one of ``AGENT_STATUSES``, else
        ValidationError) on switch ``node`` (see the class docstring); returns nothing. Raises LinkError, HotlineError (unknown agent:
        the switch's refusal). Awaits the switch, never blocks."""
        ...

    def listen(self, agent: str, supervisor_contact: str, mode: ListenMode, *,
               node: str | None = None) -> Awaitable[str]:
        """Call the supervisor's phone (on the agent's switch ``node``) and attach it to the
        agent's current call (listen, whisper or barge); returns the supervisor leg's uuid. Raises NotFound when the agent
        is not on a call, LinkError, HotlineError. Awaits the switch, never blocks."""
        ...

    def hangup(self, call_uuid: str, cause: str = "NORMAL_CLEARING", *, node: str | None = None) -> Awaitable[None]:
        """Hang the call (on switch ``node``) up with ``cause``; returns nothing. Raises LinkError, HotlineError
        (no such call). Awaits the switch, never blocks."""
        ...

    def transfer(self, call_uuid: str, destination: str, *, node: str | None = None) -> Awaitable[None]:
        """Transfer the call (on switch ``node``) to ``destination`` (an extension or a queue's number); returns
        nothing. Raises LinkError, HotlineError (no such call). Awaits the switch, never blocks."""
        ...

    def originate_callback(self, agent: str, number: str, *, node: str | None = None) -> Awaitable[str]:
        """Ring the agent (on switch ``node``), then the citizen at ``number``; returns the new call's uuid.
        Raises ValidationError (bad number), LinkError, HotlineError. Awaits the switch,
        never blocks."""
        ...

    def set_agent_tier(self, agent: str, queue: str, level: int = 1, position: int = 1, *,
                       node: str | None = None) -> Awaitable[None]:
        """Put the agent in the queue on switch ``node`` (tier add, or tier set when it exists); returns nothing.
        Raises LinkError, HotlineError (unknown agent or queue). Awaits the switch, never blocks."""
        ...

    def set_caller_priority(self, session_uuid: str, queue: str, base_score: int, *,
                            node: str | None = None) -> Awaitable[None]:
        """Give the waiting caller on channel ``session_uuid`` (on switch ``node``) the base score
        ``base_score`` (``uuid_setvar … cc_base_score``) and put them back in ``queue``
        (``uuid_transfer``) so mod_callcenter ranks them by it; returns nothing. Raises
        ValidationError (a negative or huge score), LinkError, NotFound (no such channel),
        HotlineError. Awaits the switch, never blocks."""
        ...

    def nodes(self) -> list[NodeHealth]:
        """Health of every switch link, one entry per configured node. Raises nothing. Never
        blocks (reads what the links last reported)."""
        ...
