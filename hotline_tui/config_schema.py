"""The schema of every YAML file kind, declared once (pydantic v2), checked on load.

``config.validate(doc, Model)`` applies one of these models to a loaded file: types are strict
(``"five"`` is not a number, ``42`` is not a path), unknown keys are refused (a misspelt
``departmnet:`` is an error naming ``department``, never silently ignored) and ranges are
declared here. Cross-field and cross-file rules (a role that exists, a queue that exists, a
department in ``tickets.yaml``) stay with the loaders, which run after this check.
The schemas are written out for people in docs/config.md.
"""

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

NonNeg = Annotated[float, Field(ge=0)]
Share = Annotated[float, Field(ge=0, le=1)]
PosInt = Annotated[int, Field(gt=0)]
NonNegInt = Annotated[int, Field(ge=0)]
Word = str | int              # YAML reads 1001 or 12315 as a number; both are fine as a name
HHMM = Annotated[str, Field(pattern=r"^\d{1,2}:\d{2}(:\d{2})?$")]


class Schema(BaseModel):
    """Base of every file schema: strict types, unknown keys refused.

    ``defer_build``: a model's validator is built on its first use, not at import, so a command
    pays only for the files it reads (building all of them took ~60 ms of every CLI start;
    docs/benchmarks.md, "Process start"). For the same reason a field whose default is a model
    takes it from ``default_factory``: an instance made here would build that model at import."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True, defer_build=True)


# -- calendar/<year>.yaml ---------------------------------------------------------------------
class HolidaySpan(Schema):
    from_: dt.date = Field(alias="from")
    to: dt.date | None = None
    name: Word = ""


class MakeUpDay(Schema):
    date: dt.date
    name: Word = ""


class CalendarFile(Schema):
    year: Annotated[int, Field(ge=2000, le=2100)]
    base: Literal["site", "library"] = "site"
    holidays: list[HolidaySpan] = []
    workdays: list[MakeUpDay] = []


# -- sla.yaml ---------------------------------------------------------------------------------
class DurationSpec(Schema):
    minutes: PosInt | None = None
    hours: PosInt | None = None
    working_days: PosInt | None = None


class ClockSpec(Schema):
    default: DurationSpec
    by_category: dict[str, DurationSpec] = {}
    by_urgency: dict[str, DurationSpec] = {}


class Clocks(Schema):
    acknowledge: ClockSpec
    handle: ClockSpec
    review: ClockSpec
    callback: ClockSpec


class WorkingDays(Schema):
    start_rule: Literal["next_working_day", "same_day_before_close"] = "next_working_day"
    day_closes_at: HHMM = "23:59:59"


class Lights(Schema):
    yellow_before_due: DurationSpec | None = None
    yellow_after_working_days: PosInt | None = None
    red_after_working_days: PosInt | None = None


class EscalationSpec(Schema):
    name: str | None = None
    offset_hours: float = 0
    action: Literal["yellow", "red", "auto_urge", "supervise"]


class SlaCountingRule(Schema):
    """The part of sla.yaml the calendar reads (the whole file is checked by the SLA loader)."""

    model_config = ConfigDict(extra="ignore", strict=True, defer_build=True)
    working_days: WorkingDays = Field(default_factory=WorkingDays)


class SlaFile(Schema):
    working_days: WorkingDays = Field(default_factory=WorkingDays)
    clocks: Clocks
    lights: Lights = Field(default_factory=Lights)
    pause_states: list[str] = []
    escalation: list[EscalationSpec] = []


# -- roles.yaml -------------------------------------------------------------------------------
class RoleSpec(Schema):
    label: str | None = None
    permissions: list[str] = []


class UserSpec(Schema):
    name: Word
    display: str | None = None
    role: str
    team: str = ""
    department: str = ""
    contact: Word = ""
    agent: Word = ""


class RolesFile(Schema):
    default_user: str
    roles: Annotated[dict[str, RoleSpec], Field(min_length=1)]
    users: Annotated[list[UserSpec], Field(min_length=1)]


# -- kpi.yaml ---------------------------------------------------------------------------------
class ServiceLevel(Schema):
    threshold_s: NonNeg = 20
    denominator: Literal["offered", "answered", "offered_minus_short"] = "offered"
    target: Share = 0.8
    abandons_within_met: bool = False   # issue 16: abandons within threshold_s count as met


class Alerts(Schema):
    caller_waiting_over_s: NonNeg = 120
    break_over_s: NonNeg = 900


class ShiftSpec(Schema):
    name: str
    start: HHMM


class AssessmentWeights(Schema):
    """Points of each rate on the monthly assessment sheet (考核表); they sum to 100 (checked by
    ``hotline_tui.reports.assessment.load_weights``)."""

    acknowledged_on_time: NonNeg = 30
    handled_on_time: NonNeg = 40
    satisfaction: NonNeg = 30


class Assessment(Schema):
    weights: AssessmentWeights = Field(default_factory=AssessmentWeights)


class KpiFile(Schema):
    service_level: ServiceLevel = Field(default_factory=ServiceLevel)
    short_abandon_s: NonNeg = 5
    abandon_target: Share = 0.05
    alerts: Alerts = Field(default_factory=Alerts)
    shifts: list[ShiftSpec] = []
    assessment: Assessment = Field(default_factory=Assessment)


# -- tickets.yaml -----------------------------------------------------------------------------
class DepartmentSpec(Schema):
    code: str
    name: str
    district: str | None = None


class CategorySpec(Schema):
    code: str
    name: str
    subcategories: list[str] = []


class FieldLimits(Schema):
    """The longest text (characters) each free-text field of a ticket, caller or note takes.
    Every field has one; the site's file may lower or raise any of them (a misspelt key is
    refused, never a lifted limit)."""

    content: PosInt = 4000          # what the citizen asks (诉求内容)
    name: PosInt = 50               # the caller's name
    address: PosInt = 200
    note: PosInt = 2000             # answers, replies, reasons, urges, supplements, caller notes
    call_id: PosInt = 64            # the switch's call UUID
    recording_id: PosInt = 128      # the recording's id or file name
    unit: PosInt = 100              # the responsible unit named when archiving
    district: PosInt = 32           # only when tickets.yaml lists no districts


class TicketsFile(Schema):
    departments: Annotated[list[DepartmentSpec], Field(min_length=1)]
    categories: Annotated[list[CategorySpec], Field(min_length=1)]
    urgencies: list[str] = ["normal"]
    channels: list[str] = ["phone"]
    #: A ticket's district is one of these (or empty); a department's district too.
    districts: list[Annotated[str, Field(min_length=1, max_length=32)]] = []
    caller_classes: list[str] = []
    limits: FieldLimits = Field(default_factory=FieldLimits)


# -- kb.yaml ----------------------------------------------------------------------------------
class KbFile(Schema):
    synonyms: list[Annotated[list[Word], Field(min_length=2)]] = []
    spoken: dict[Word, Word] = {}
    fillers: list[Word] = []
    endings: list[Word] = []


# -- site.yaml (the call centre) --------------------------------------------------------------
class TalkSpec(Schema):
    mean: Annotated[float, Field(ge=1)] = 180
    cv: NonNeg = 0.6
    dist: Literal["lognormal", "exponential"] = "lognormal"


class TrafficSpec(Schema):
    calls_per_hour: NonNeg = 0
    talk_s: TalkSpec = Field(default_factory=TalkSpec)
    patience_s: NonNeg | None = 120
    exit_key_share: Share = 0
    vip_share: Share = 0
    retry_share: Share = 0
    retry_after_s: NonNeg = 120


class QueueSpec(Schema):
    name: str
    display: str | None = None
    display_en: str | None = None
    strategy: str = "longest-idle-agent"
    max_wait_time: NonNegInt = 0
    max_wait_time_with_no_agent: NonNegInt = 0
    overflow: str | None = None
    discard_abandoned_after: NonNegInt = 60
    abandoned_resume_allowed: bool = False
    traffic: TrafficSpec | None = None


class AgentGroupSpec(Schema):
    ids: list[Word] | str | int | None = None
    id: Word | None = None
    team: str = ""
    skills: dict[str, Annotated[int, Field(ge=1)]] = {}
    names: list[Word] = []
    status: str = "Available"
    logged_out: list[Word] = []
    wrap_up_s: NonNegInt = 10
    max_no_answer: NonNegInt = 3


class BehaviourSpec(Schema):
    ring_mean_s: NonNeg = 3
    no_answer_share: Share = 0
    no_answer_delay_s: NonNegInt = 30
    break_every_mean_s: NonNeg | None = None
    break_mean_s: NonNeg = 600
    long_break_share: Share = 0


class SwitchSpec(Schema):
    hostname: str = "fs-sim"
    domain: str = "hotline.local"


class SiteFile(Schema):
    switch: SwitchSpec = Field(default_factory=SwitchSpec)
    profile: list[list[str | float]] = []
    behaviour: BehaviourSpec = Field(default_factory=BehaviourSpec)
    queues: Annotated[list[QueueSpec], Field(min_length=1)]
    agents: list[AgentGroupSpec] = []


# -- desk.yaml (the agent desk) -------------------------------------------------------------
class NotReadyReason(Schema):
    """One reason an agent may give for not ready (示忙): recorded with the status change."""

    code: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,31}$")]
    zh: Annotated[str, Field(min_length=1, max_length=20)]
    en: Annotated[str, Field(min_length=1, max_length=40)]


#: What a callback (呼损回拨) attempt may end in (desk.yaml callbacks.results picks and orders them;
#: hotline_tui/callback_desk.py says what each does to the task).
CallbackResult = Literal["reached", "no_answer", "busy", "switched_off", "wrong_number", "refused"]
CALLBACK_RESULTS: tuple[CallbackResult, ...] = ("reached", "no_answer", "busy", "switched_off", "wrong_number",
                                                "refused")


class CallbackSpec(Schema):
    """Callbacks worked from the desk (docs/callbacks.md)."""

    tries: Annotated[int, Field(ge=1, le=20)] = 3
    retry_after_min: Annotated[float, Field(ge=0, le=1440)] = 30
    results: Annotated[list[CallbackResult], Field(min_length=1)] = list(CALLBACK_RESULTS)
    #: how old the agent presence in the store may be when the CLI reassigns (seconds)
    presence_fresh_s: Annotated[int, Field(ge=10, le=86400)] = 180
class CallerClassNote(Schema):
    """What the desk's screen pop says about a caller class (issue 17): the agent's reminder."""

    code: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,31}$")]
    zh: Annotated[str, Field(min_length=1, max_length=80)]
    en: Annotated[str, Field(min_length=1, max_length=160)]


class DeskFile(Schema):
    not_ready_reasons: Annotated[list[NotReadyReason], Field(min_length=1)]
    callbacks: CallbackSpec = Field(default_factory=CallbackSpec)
    caller_classes: list[CallerClassNote] = []
    #: why a supervisor hangs a call up (issue 18), in the audit entry of call.hangup
    hangup_reasons: list[NotReadyReason] | None = None


# -- the console's --config file --------------------------------------------------------------
class SwitchNode(Schema):
    name: str | None = None
    host: str
    port: Annotated[int, Field(gt=0, lt=65536)] = 8021
    password: str = "ClueCon"
    #: this node's own site file (agents' display names), relative to the console file
    site: str | None = None


class ConsoleFile(Schema):
    store: Annotated[str, Field(min_length=1)] | None = None
    config_dir: str | None = None
    lang: Literal["zh", "en"] | None = None
    refresh_hz: Annotated[float, Field(ge=0.1, le=10)] = 2
    switch: list[SwitchNode] = []
    simulate: bool | None = None
    callcenter_db: Annotated[str, Field(min_length=1)] | None = None   # the nodes' shared mod_callcenter tables (issue 21)
