"""The console's string catalog: Chinese and English (UI text belongs to the screens).

``tr = strings("zh")``; ``tr("queue")`` → "队列". The language comes from ``--lang``, then the
config, then the locale (``LANG``/``LC_ALL`` starting with ``zh`` → Chinese), else English.
A missing key shows the key itself (visible in review, never a crash).
"""

from __future__ import annotations

import os
from typing import Callable

CATALOG: dict[str, tuple[str, str]] = {
    # screens
    "wallboard": ("总览", "Wallboard"),
    "agents": ("坐席", "Agents"),
    "tickets": ("工单", "Tickets"),
    "knowledge": ("知识库", "Knowledge"),
    "engineer": ("运维", "Engineer"),
    "handover": ("交接班", "Handover"),
    "callbacks": ("呼损回拨", "Callbacks"),
    "help": ("帮助", "Help"),
    # wallboard
    "queue": ("队列", "Queue"),
    "waiting": ("排队", "Waiting"),
    "longest": ("最长", "Longest"),
    "ewt": ("预计", "Est. wait"),
    "avail": ("空闲", "Avail"),
    "busy": ("通话", "Busy"),
    "wrap": ("整理", "Wrap"),
    "break": ("小休", "Break"),
    "sl30": ("SL·30分", "SL 30m"),
    "sl_today": ("SL·今日", "SL today"),
    "sl_rule": ("服务水平 = {t}秒内接通 ÷ {den} · 目标 {target} · 近30分钟 / 今日",
                "SL = answered ≤ {t}s ÷ {den} · target {target} · last 30 min / today"),
    "now_max": ("当前 {now}  最高 {max}", "now {now}  max {max}"),
    "occupancy_line": ("· 坐席占用率 {o30} / {oday}", "· occupancy {o30} / {oday}"),
    "den_offered": ("呼入量", "offered"),
    "den_answered": ("接通量", "answered"),
    "den_offered_minus_short": ("呼入量 − {s}秒内放弃", "offered − abandons < {s}s"),
    "abandon": ("放弃率", "Abandon"),
    "answered_today": ("今日接通", "Answered"),
    "total": ("合计", "Total"),
    "alerts": ("告警", "Alerts"),
    "no_alerts": ("无告警", "No alerts"),
    "waiting_chart": ("排队人数 · 近30分钟", "Callers waiting · last 30 min"),
    "alert_sl": ("{queue} 服务水平 {value} 低于目标 {target}", "{queue}: service level {value} under target {target}"),
    "alert_wait": ("{queue} 有来电已等待 {value}", "{queue}: a caller has waited {value}"),
    "alert_break": ("坐席 {agent} 小休已 {value}", "Agent {agent} on break for {value}"),
    "alert_link": ("交换机 {node} 链路{state}", "Switch {node} link {state}"),
    "alert_tickets": ("{n} 张工单即将超时（黄灯）, {m} 张已超时（红灯）", "{n} tickets about to breach (yellow), {m} overdue (red)"),
    "alert_flag": ("数据矛盾：{what}", "Contradiction: {what}"),
    # agents
    "agent": ("坐席", "Agent"),
    "name": ("姓名", "Name"),
    "team": ("班组", "Team"),
    "status": ("状态", "Status"),
    "state": ("通话状态", "State"),
    "in_state": ("持续", "In state"),
    "calls_today": ("今日通话", "Calls"),
    "talk_today": ("今日通话时长", "Talk"),
    "queues": ("技能队列", "Queues"),
    "caller": ("来电", "Caller"),
    "flags": ("提示", "Flags"),
    "group_by": ("分组: {what}", "Group: {what}"),
    "none": ("无", "none"),
    "tagged": ("已标记 {n}", "{n} tagged"),
    # statuses (mod_callcenter's words → UI)
    "Available": ("示闲", "Available"),
    "Available (On Demand)": ("按需示闲", "On demand"),
    "On Break": ("小休", "On break"),
    "Logged Out": ("签出", "Logged out"),
    "Waiting": ("等待来电", "Waiting"),
    "Receiving": ("振铃", "Ringing"),
    "In a queue call": ("通话中", "On a call"),
    "Idle": ("空闲", "Idle"),
    # tickets
    "serial": ("工单号", "Serial"),
    "light": ("灯", "Light"),
    "due": ("时限", "Due"),
    "department": ("承办单位", "Department"),
    "category": ("类别", "Category"),
    "ticket_state": ("状态", "State"),
    "content": ("诉求内容", "Content"),
    "overdue_title": ("超时与预警工单", "Overdue and at-risk tickets"),
    "shown_of": ("显示 {shown} / 共 {total}", "{shown} of {total}"),
    "history": ("处理记录", "History"),
    "audit": ("审计", "Audit"),
    # knowledge
    "search_kb": ("搜索知识库（中文 / 拼音 / 首字母）", "Search the knowledge base (Chinese / pinyin / initials)"),
    "no_results": ("查无结果 — 按回车记入查无问题，或按 f 标记", "Nothing found — press Enter to record it as unanswered, or f to flag"),
    "no_results_recorded": ("查无结果 — 已记入查无问题", "Nothing found — recorded as unanswered"),
    "kb_unavailable": ("知识库不可用", "The knowledge base is not available"),
    "kb_hits": ("{n} 条 · {ms} ms", "{n} found · {ms} ms"),
    "kb_flagged": ("已标记为查无问题（第 {n} 次）：{text}", "Flagged as unanswered (asked {n}×): {text}"),
    "kb_flag": ("标记查无", "Flag unanswered"),
    "kb_valid_to": ("有效期至 {date}", "valid until {date}"),
    # agent desk
    "desk": ("坐席台", "Desk"),
    "desk_me": ("我：{agent}  {status} · {state} · {since}  今日 {calls} 通 / {talk}",
                "Me: {agent}  {status} · {state} · {since}  today {calls} calls / {talk}"),
    "desk_no_agent": ("当前用户未绑定坐席工号（roles.yaml 的 agent）", "This user has no agent id (agent: in roles.yaml)"),
    "desk_on_call": ("通话中：{number}", "On a call with {number}"),
    "desk_phone": ("来电号码", "Caller number"),
    "desk_content": ("诉求内容（回车登记）", "What the caller asks (Enter registers)"),
    "created": ("登记", "Registered"),
    "vip": ("重点人员（VIP）", "VIP"),
    "elderly": ("老年人", "elderly"),
    "important": ("重要来电人", "important"),
    "blacklist": ("恶意来电", "blacklisted"),
    "desk_history": ("来电历史", "Caller history"),
    "desk_class": ("来电人类别：{cls}", "Caller class: {cls}"),
    "desk_no_history": ("无历史工单", "No earlier tickets"),
    "desk_registered": ("已登记工单 {serial}", "Registered ticket {serial}"),
    "desk_answered": ("已当即答复结案 {serial}（依据《{title}》）", "Answered on the spot and closed {serial} (from “{title}”)"),
    "desk_need_article": ("先在知识库中打开一篇文章", "Open an article in the knowledge base first"),
    "desk_login_prompt": ("签入：输入你的工号（回车确认，Esc 取消）", "Log in: your agent number (Enter logs in, Esc cancels)"),
    "desk_not_my_number": ("只能用自己的工号 {agent} 签入", "You can log in only with your own agent number {agent}"),
    "desk_login_hint": ("F2 签入", "F2 logs in"),
    "desk_reason_prompt": ("示忙原因", "Not ready: why?"),
    "desk_logout_confirm": ("签出？签出后不再接到来电。", "Log out? No more calls will reach you."),
    "desk_wrap_up": ("话后整理 剩余 {left}", "Wrap-up {left} left"),
    "desk_wrap_up_runs": ("话后整理中：{left} 后由交换机自动示闲；需要更久请按 F3 选「话后处理」",
                          "Wrap-up: the switch makes you ready in {left}; for longer, F3 → After-call work"),
    "desk_new_call_question": ("新来电 {number}，表单里还有上一位来电人未登记的内容：",
                               "New call from {number}, and the form still holds unsaved text for the previous caller:"),
    "desk_keep": ("留给上一位来电人 {number}（登记后再接待新来电）", "Keep it for the previous caller {number} (the new call's form opens after)"),
    "desk_discard": ("丢弃，开始接待新来电", "Discard it and take the new call"),
    "desk_move": ("移到新来电人 {number} 名下", "Move it to the new caller {number}"),
    "desk_new_call_hint": ("1 / 2 / 3 · Esc = 留给上一位", "1 / 2 / 3 · Esc = keep for the previous caller"),
    "desk_next_waiting": ("新来电 {number} 等待：登记或 ctrl+n 后切换", "New call {number} waits: register or ctrl+n to take it"),
    "kb_unanswered_n": ("待解答的查无问题：{n}", "Unanswered questions waiting for editors: {n}"),
    # engineer
    "node": ("节点", "Node"),
    "link": ("链路", "Link"),
    "heartbeat": ("心跳", "Heartbeat"),
    "events_s": ("事件/秒", "Events/s"),
    "resyncs": ("重同步", "Resyncs"),
    "errors": ("错误", "Errors"),
    "store": ("数据库", "Store"),
    "latency": ("延迟", "Latency"),
    "migration": ("迁移版本", "Migrations"),
    "recent_errors": ("最近错误", "Recent errors"),
    "calendar": ("工作日历", "Working-day calendar"),
    "calendar_known": ("所用年份均已公布（含调休）", "every year in use is announced (with make-up days)"),
    "calendar_none": ("无工单服务", "no ticket service"),
    "connected": ("已连接", "connected"),
    "reconnecting": ("重连中", "reconnecting"),
    "down": ("断开", "down"),
    # trust line
    "data_age": ("数据 {age} 前", "data {age} old"),
    "paused": ("已暂停刷新", "refresh paused"),
    "refresh_every": ("刷新 {hz}Hz", "refresh {hz} Hz"),
    "readonly": ("只读", "read-only"),
    "replay": ("回放 ×{speed}", "replay ×{speed}"),
    "recording": ("录制中", "recording"),
    "link_none": ("无交换机", "no switch"),
    "calendar_provisional": ("日历 {years} 暂定", "calendar {years} provisional"),
    # actions and dialogs
    "confirm": ("确认", "Confirm"),
    "cancel": ("取消", "Cancel"),
    "yes": ("确定", "Yes"),
    "confirm_status": ("将 {agents} 设为「{status}」？", "Set {agents} to “{status}”?"),
    "confirm_listen": ("用你的话机 {contact} {mode} 坐席 {agent} 的通话？", "{mode} agent {agent}'s call from your phone {contact}?"),
    "listen": ("监听", "Listen"),
    "whisper": ("耳语", "Whisper"),
    "barge": ("强插", "Barge"),
    "done": ("完成：{what}", "Done: {what}"),
    "refused": ("被拒绝：{why}", "Refused: {why}"),
    "note_prompt": ("交接班备注（回车保存）", "Handover note (Enter saves)"),
    "note_saved": ("已记入 {shift} 交接班", "Saved to the {shift} handover"),
    "urge_note": ("催办说明", "Urge note"),
    "command_prompt": (":命令（help 查看）", ":command (help lists them)"),
    "unknown_command": ("未知命令：{cmd}", "Unknown command: {cmd}"),
    # tickets: lights and states (English shows the codes the CLI and the docs use)
    "light_red": ("红灯", "red"), "light_yellow": ("黄灯", "yellow"), "light_green": ("绿灯", "green"),
    "ts_registered": ("已登记", "registered"), "ts_closed": ("已结案", "closed"), "ts_todo": ("待办", "todo"),
    "ts_triaged": ("已分理", "triaged"), "ts_dispatched": ("已派单", "dispatched"),
    "ts_handling": ("办理中", "handling"), "ts_returned": ("已退单", "returned"),
    "ts_extension_requested": ("延期申请中", "extension_requested"),
    "ts_waiting_supplement": ("待补充材料", "waiting_supplement"), "ts_replied": ("已回单", "replied"),
    "ts_callback_pending": ("待回访", "callback_pending"), "ts_called_back": ("已回访", "called_back"),
    "ts_archived": ("已归档", "archived"), "ts_merged": ("已并单", "merged"),
    # help screen (?)
    "help_commands": ("wb|ag|tk|kb|ho|eng|dk — 切换画面；  break|avail|logout 坐席… — 设置状态；  "
                      "move 队列 坐席… — 调整队列；  pause | resume | refresh 次/秒 | lang zh|en | theme 主题 | quit",
                      "wb|ag|tk|kb|ho|eng|dk — go to a screen;  break|avail|logout AGENT… — set status;  "
                      "move QUEUE AGENT… — put agents in a queue;  pause | resume | refresh HZ | lang zh|en | "
                      "theme NAME | quit"),
    "help_help": ("帮助", "help"),
    "help_cmdline": ("命令行 — {commands}", "command line — {commands}"),
    "help_palette": ("命令面板", "command palette"),
    "help_filter": ("筛选（坐席、工单）· 搜索（知识库）", "filter (agents, tickets) · search (knowledge)"),
    "help_move": ("移动", "move"),
    "help_pause": ("暂停 / 恢复刷新", "pause / resume refresh"),
    "help_refresh": ("立即刷新", "refresh now"),
    "help_rate": ("刷新频率", "refresh rate"),
    "help_theme": ("主题", "theme"),
    "help_tag": ("标记行（坐席）；操作作用于所有标记行", "tag rows (agents); actions apply to tagged rows"),
    "help_agent": ("坐席：示闲 / 小休 / 签出", "agent: available / break / log out"),
    "help_listen": ("监听 / 密语 / 强插", "listen / whisper / barge"),
    "help_queue": ("把坐席调入队列", "move agents to a queue"),
    "help_ticket": ("工单：催办 / 批准延期 / 驳回延期 / 重新派单 / 通过答复 / 退回答复 / 回访",
                    "ticket: urge / approve / refuse ext. / re-dispatch / accept / send back reply / callback"),
    "help_note": ("交接班备注", "handover note"),
    "help_flag": ("知识库：标记为查无", "knowledge: flag the question as unanswered (查无)"),
    "help_desk": ("受理台：登记并按当前文章当即答复 / 下一位来电；F2 签入·示闲 / F3 示忙（选原因）/ F4 签出",
                  "desk: register + answer on the spot from the article shown / new caller; F2 log in · ready / "
                  "F3 not ready (a reason) / F4 log out"),
    "help_escape": ("离开筛选框、关闭对话框（{ms} 毫秒后生效，ESCDELAY 可调）",
                    "leave a filter box, close a dialog (acts after {ms} ms; ESCDELAY sets it)"),
    "help_quit": ("退出", "quit"),
    # slow links (screens/lite.py)
    "lite_on": ("精简模式", "lite"),
    "out_rate": ("输出 {rate}", "out {rate}"),
    "lite_auto": ("线路慢（{reason}）：已切换到精简模式", "slow link ({reason}): lite mode on"),
    "lite_back-pressure": ("终端写出受阻", "output back-pressure"),
    "lite_link": ("超过 HOTLINE_LINK_KBPS 的一半", "over half of HOTLINE_LINK_KBPS"),
}


# The keys' labels in the footer, by the English label the screens' bindings carry (Textual
# keeps one description per binding; the footer asks for the Chinese one when it draws).
KEY_LABELS: dict[str, str] = {
    ":cmd": ":命令", "Accept reply": "通过答复", "Add note": "添加记录", "Answer on the spot": "当即答复",
    "Approve ext.": "批准延期", "Available": "示闲", "Back": "返回", "Barge": "强插", "Break": "小休",
    "Callback": "回访", "Cancel": "取消", "Close": "关闭", "Filter": "筛选", "Flag unanswered": "标记查无",
    "Group": "分组", "Help": "帮助", "Listen": "监听", "Log out": "签出", "Move to queue": "调整队列",
    "New caller": "下一位", "No": "否", "Not ready": "示忙", "Ticket text": "诉求内容", "Ready": "示闲", "Leave": "离开输入框", "Open": "打开", "Pause": "暂停", "Quit": "退出",
    "Re-dispatch": "重新派单", "Reassign callback": "改派回拨", "Red/yellow": "红/黄灯",
    "Refuse ext.": "驳回延期", "Search": "搜索", "Send back": "退回答复", "Sort": "排序", "Tag": "标记",
    "Urge": "催办", "Whisper": "密语", "Yes": "是", "palette": "命令面板",
}


def key_label(lang: str, label: str) -> str:
    """The footer label for a key in ``lang``: the Chinese one when there is one, else as given."""
    return KEY_LABELS.get(label, label) if lang == "zh" else label


def detect_lang(explicit: str | None = None, configured: str | None = None) -> str:
    for value in (explicit, configured):
        if value in ("zh", "en"):
            return value
    loc = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    return "zh" if loc.lower().startswith("zh") else "en"


def strings(lang: str) -> Callable[..., str]:
    idx = 0 if lang == "zh" else 1

    def tr(key: str, **kw) -> str:
        pair = CATALOG.get(key)
        text = pair[idx] if pair else key
        return text.format(**kw) if kw else text

    return tr
