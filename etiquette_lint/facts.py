"""The facts the rules see, drawn from a plan and its drafts.

Every fact is a flat mapping of JSON-native values (dates as day numbers), with a `type`, a
unique `uid` and a `pointer` to the plan node it is about. `FACT_FIELDS` documents each kind and
is what the rule compiler checks conditions and message placeholders against; docs/facts.md is
written from it (tests keep the two in step). `TIERS` is the order facts are asserted in: a rule
may only require the absence of a fact kind that comes earlier (durable_rules' negation depends
on that order).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice

from .cache import by_content, one_run
from .limits import MAX_PHRASE_FACTS
from .messages import Segment
from .plan import Action, Plan
from .planner import windows
from .planner.windows import Cadence
from .text import (
    PhraseList,
    TopicLexicon,
    _gapped_set,
    blank_spans,
    common_words,
    company_mentions,
    detail_count,
    distinctive_words,
    find_phrases,
    fold,
    greeting_names,
    mask,
    name_keys,
    name_spans,
    sentence_index,
    sentences,
    shingles,
    similarity,
    specific_details,
    stemmed_words,
    topic_mention,
    without_links,
)

# type -> field -> (python type, description). `uid`, `type`, `pointer` are on every fact.
FACT_FIELDS: dict[str, dict[str, tuple[type, str]]] = {
    "phrase": {
        "list": (str, "the phrase list that matched (the file name in rules/phrases/)"),
        "text": (str, "the words matched, as written"),
        "sentence": (str, "the sentence they stand in (at most 200 characters)"),
        "action": (str, "the action's id (or actions[N])"),
        "kind": (str, "the action's kind: thank_you | follow_up"),
        "channel": (str, "the action's channel"),
        "company": (str, "the company the message goes to"),
        "to_names": (str, "the recipients' names, joined with 'and'"),
        "to_decision_maker": (bool, "the message goes to a hiring manager, or the company marks none"),
        "about_challenge": (
            str,
            "a challenge of the employer that the sentence touches on (for a solution pitch, or the "
            "sentence before or after it), or ''",
        ),
        "in_subject": (bool, "the words are in the subject line"),
        "path": (str, "the file the words are in (a draft, or the plan for inline text)"),
        "line": (int, "1-based line of the first word"),
        "column": (int, "1-based column of the first word"),
        "end_line": (int, "line just after the last character"),
        "end_column": (int, "column just after the last character"),
    },
    "greeting_name": {
        "action": (str, "the action's id (or actions[N])"),
        "kind": (str, "thank_you | follow_up"),
        "company": (str, "the company the message goes to"),
        "to_names": (str, "the recipients' names, joined with 'and'"),
        "text": (str, "the word of the greeting, as written"),
        "person": (str, "the name of the person of the plan it matches (first, last or full name, or an alias)"),
        "recipient": (bool, "that person is among the message's recipients (to or cc)"),
        "addressed": (bool, "the salutation addresses the word ('Hi Wen,'), not just has it on its line"),
        "greets_recipient": (bool, "the salutation addresses one of the message's recipients by name"),
        "path": (str, "the file the word is in (a draft, or the plan for inline text)"),
        "line": (int, "1-based line of the word"),
        "column": (int, "1-based column of the word"),
        "end_line": (int, "line just after the word"),
        "end_column": (int, "column just after the word"),
    },
    "company_mention": {
        "action": (str, "the action's id (or actions[N])"),
        "kind": (str, "thank_you | follow_up"),
        "company": (str, "the company the message goes to"),
        "to_names": (str, "the recipients' names, joined with 'and'"),
        "named": (str, "the company of the plan the words name"),
        "text": (str, "the words, as written (the whole name or a distinctive word of it)"),
        "own": (bool, "the named company is the one the message goes to"),
        "in_subject": (bool, "the words are in the subject line"),
        "path": (str, "the file the words are in (a draft, or the plan for inline text)"),
        "line": (int, "1-based line of the first word"),
        "column": (int, "1-based column of the first word"),
        "end_line": (int, "line just after the last character"),
        "end_column": (int, "column just after the last character"),
    },
    "recipient": {
        "action": (str, "the action's id (or actions[N])"),
        "kind": (str, "thank_you | follow_up"),
        "channel": (str, "email | call | voicemail | handwritten | linkedin | text"),
        "person": (str, "the interviewer's id"),
        "name": (str, "the interviewer's name"),
        "interview": (str, "the interview the action belongs to"),
        "company": (str, "the company"),
        "has_email": (bool, "an address is known: the interviewer's email, or one in the .eml headers"),
        "where_to_ask": (str, "who can give the address: the HR contact or search consultant, by name"),
        "date": (str, "the action's date (YYYY-MM-DD)"),
    },
    "action": {
        "action": (str, "the action's id (or actions[N])"),
        "kind": (str, "thank_you | follow_up"),
        "channel": (str, "email | call | voicemail | handwritten | linkedin | text"),
        "medium": (str, "email | call (call or voicemail) | written (handwritten, linkedin, text)"),
        "written": (bool, "the channel carries a written message"),
        "has_message": (bool, "a draft or inline text is there to read"),
        "status": (str, "planned | sent"),
        "day": (int, "the action's date as a day number"),
        "date": (str, "the action's date (and time when given)"),
        "interview": (str, "the interview it belongs to"),
        "interview_date": (str, "that interview's date"),
        "company": (str, "the company"),
        "to_count": (int, "people in `to` (and in the .eml To: header)"),
        "to_names": (str, "their names, joined with 'and'"),
        "cc_count": (int, "other interviewers copied (cc, Cc:, Bcc:)"),
        "cc_names": (str, "their names"),
        "to_hiring_manager": (bool, "a recipient is marked hiring_manager"),
        "days_after_interview": (int, "calendar days from the interview to the action"),
        "days_after_text": (str, "the same in words: 'the same day', '1 day', '3 days'"),
        "what": (str, "the action in words: 'thank-you email', 'follow-up call', 'handwritten thank-you', ..."),
        "elapsed_hours": (
            float,
            "hours from the interview to the action when both have times, else calendar days x 24",
        ),
        "replied_since_interview": (
            bool,
            "the company replied between its latest interview (on or before the action) and the action",
        ),
        "follow_up_number": (
            int,
            "for a follow_up: its number among the company's follow-ups since the last reply "
            "(or since the latest interview); 0 otherwise",
        ),
        "topic_count": (int, "topics recorded for the recipients"),
        "topics": (str, "those topics, joined with '; '"),
        "topic_mentions": (int, "recorded topics the message touches on"),
        "detail_count": (
            int,
            "words of specific detail (not stock courtesy, names, company or role; frequent words weigh less)",
        ),
        "purpose": (str, "a call's purpose, as written"),
        "purpose_asks_standing": (bool, "the purpose asks where the candidate stands (phrases/where-do-i-stand)"),
        "sales_role": (bool, "the candidate seeks a sales role"),
        # the cadence (computed by planner/windows.py)
        "overdue": (bool, "`status: planned` and dated before today"),
        "days_overdue": (int, "calendar days past its date, when overdue; 0 otherwise"),
        "days_overdue_text": (str, "the same in words: '1 day', '8 days'"),
        "after_rejection": (bool, "the company's latest reply before the action is a rejection"),
        "rejection_date": (str, "that rejection's date, or ''"),
        "written_after_rejection": (
            int,
            "its number among the written messages to the company since the rejection; 0 otherwise",
        ),
        "presses": (
            bool,
            "the message asks them to reconsider, chases or pressures (phrases/reconsider, pushy, ultimatum)",
        ),
        "pressing_text": (str, "the first such words, as written, or ''"),
    },
    "contact_pair": {
        "company": (str, "the company both contacts go to"),
        "gap_days": (int, "calendar days from the earlier contact to the later"),
        "adjacent": (bool, "the earlier is the company's last contact before the later"),
        "reply_between": (bool, "the company replied between them (earlier <= reply < later)"),
        "same_person": (bool, "the two share a recipient"),
        "earlier_action": (str, "the earlier action's id"),
        "later_action": (str, "the later action's id"),
        "earlier_kind": (str, "thank_you | follow_up"),
        "later_kind": (str, "thank_you | follow_up"),
        "earlier_channel": (str, "the earlier action's channel"),
        "later_channel": (str, "the later action's channel"),
        "earlier_medium": (str, "email | call | written"),
        "later_medium": (str, "email | call | written"),
        "earlier_date": (str, "the earlier action's date"),
        "later_date": (str, "the later action's date"),
        "earlier_to_names": (str, "the earlier action's recipients"),
        "later_to_names": (str, "the later action's recipients"),
        "earlier_what": (str, "the earlier action in words: 'thank-you email', 'follow-up call', ..."),
        "later_what": (str, "the later action in words"),
        "gap_phrase": (str, "'on the same day as', '1 day after', '2 days after'"),
        "related_pointer": (str, "the pointer of the earlier action"),
    },
    "draft_pair": {
        "company": (str, "the company both messages go to"),
        "similarity": (
            float,
            "0 to 1: share of the shorter message's word triples (names, titles, company and courtesy "
            "lines masked; words compared by stem) found in the other, a triple with one word changed "
            "counting half",
        ),
        "similarity_percent": (int, "the same, in percent"),
        "earlier_action": (str, "the earlier message's action id"),
        "later_action": (str, "the later message's action id"),
        "earlier_to_names": (str, "who the earlier message goes to"),
        "later_to_names": (str, "who the later message goes to"),
        "earlier_date": (str, "its date"),
        "later_date": (str, "its date"),
        "excerpt": (str, "the longest passage the later message shares with the earlier"),
        "related_pointer": (str, "the pointer of the earlier action"),
        "path": (str, "the later message's file"),
        "line": (int, "where the shared passage starts"),
        "column": (int, "1-based column where it starts"),
        "end_line": (int, "line just after its last character"),
        "end_column": (int, "column just after its last character"),
    },
    "person": {
        "person": (str, "the interviewer's id"),
        "name": (str, "their name"),
        "title": (str, "their title"),
        "has_email": (bool, "an email address is recorded"),
        "hiring_manager": (bool, "marked hiring_manager"),
        "topic_count": (int, "topics recorded"),
        "interview": (str, "the interview this entry is in (a person met in two rounds has two)"),
        "company": (str, "the company"),
        "interview_date": (str, "that interview's date"),
    },
    "interview": {
        "interview": (str, "the interview's id"),
        "company": (str, "the company"),
        "role": (str, "the role"),
        "day": (int, "the interview's date as a day number"),
        "date": (str, "its date (and time when given)"),
        "past": (bool, "dated before today"),
        "upcoming": (bool, "dated today or later"),
        "has_hiring_manager": (bool, "an interviewer is marked hiring_manager"),
        "hiring_manager": (str, "the hiring manager's name(s), or ''"),
        "timing_asked": (bool, "timing.asked is true"),
        "has_decision_by": (bool, "timing.decision_by is given"),
        "decision_by_day": (int, "timing.decision_by as a day number (0 when absent)"),
        "decision_by": (str, "timing.decision_by, or ''"),
        "candidate_decides_first": (bool, "the candidate's decision_date is strictly before decision_by"),
    },
    "company": {
        "company": (str, "the company's name"),
        "candidate_deadline_first": (
            bool,
            "the candidate has a decision_date, before the company's latest decision_by or the company gave none",
        ),
        "decision_date": (str, "the candidate's decision_date, or ''"),
        "decision_by": (str, "the company's latest decision_by, or ''"),
        "has_hiring_manager": (bool, "an interviewer at the company is marked hiring_manager"),
        "decision_makers": (str, "the hiring manager(s) by name, or 'anyone at the company'"),
        "has_written_message": (bool, "a written message with text goes to them"),
    },
    "cadence": {
        "company": (str, "the company"),
        "interview": (str, "its latest interview held (the fact points at it)"),
        "interview_date": (str, "that interview's date"),
        "state": (
            str,
            "upcoming | stop | replied | no-contact | planned | waiting | due (see planner/windows.py)",
        ),
        "due": (bool, "a follow-up is due: today is on or after the first day of its window, none is planned"),
        "overdue": (bool, "due, and today is past the window's last day"),
        "due_from": (str, "the window's first day, 'Wed 2027-03-17' ('' when no window)"),
        "due_until": (str, "the window's last day"),
        "window_text": (str, "the window in words: 'between Wed 2027-03-17 and Thu 2027-03-18'"),
        "basis": (str, "what the window counts from: 'they said they would decide by ...' or the last contact"),
        "to_names": (str, "who to write to: the hiring manager(s), else everyone met"),
        "unanswered": (int, "follow-ups sent since the last reply (or the latest interview)"),
        "last_contact_date": (str, "the latest contact since the latest interview, or ''"),
    },
}
COMMON_FIELDS = {
    "type": (str, "the fact kind"),
    "uid": (int, "unique within a lint run"),
    "pointer": (str, "JSON pointer of the plan node the fact is about"),
}
# Phrase lists that are read for their words or used elsewhere, not scanned into `phrase` facts.
LEXICONS = ("courtesy", "stock-words", "where-do-i-stand", "topic-words", "time")
TIERS = (
    "phrase",
    "greeting_name",
    "company_mention",
    "recipient",
    "action",
    "contact_pair",
    "draft_pair",
    "person",
    "interview",
    "company",
    "cadence",
)
# Phrase lists whose words, after a rejection, make any message too much (contact-after-rejection).
PRESSING_LISTS = ("reconsider", "pushy", "ultimatum")
MAX_PAIR_GAP_DAYS = 90


def medium(channel: str) -> str:
    if channel == "email":
        return "email"
    if channel in ("call", "voicemail"):
        return "call"
    return "written"


_CHANNEL_WORDS = {
    "email": "{kind} email",
    "call": "{kind} call",
    "voicemail": "{kind} voicemail",
    "handwritten": "handwritten {kind}",
    "linkedin": "LinkedIn {kind}",
    "text": "{kind} text message",
}


def describe(action: Action) -> str:
    """An action in words: 'thank-you email', 'follow-up call', 'handwritten thank-you'."""
    kind = "thank-you" if action.kind == "thank_you" else "follow-up"
    return _CHANNEL_WORDS[action.channel].format(kind=kind)


def days(n: int) -> str:
    return "the same day" if n == 0 else f"{n} day{'s' if n != 1 else ''}"


def join_names(names: list[str]) -> str:
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


@dataclass
class _Context:
    plan: Plan
    phrases: dict[str, PhraseList]
    facts: list[dict]

    def add(self, fact_type: str, pointer: str, /, **fields) -> dict:
        fact = {"type": fact_type, "uid": len(self.facts) + 1, "pointer": pointer, **fields}
        self.facts.append(fact)
        return fact


@one_run()  # a large draft is read by several stages: its sentences and words computed once
def build_facts(
    plan: Plan,
    phrases: dict[str, PhraseList],
    *,
    only_text: bool = False,
    pair_window_days: int = MAX_PAIR_GAP_DAYS + 1,
    min_similarity: float = 0.0,
    pair_filter: Callable[[str, dict], bool] | None = None,
    cadence: Cadence | None = None,
) -> list[dict]:
    """All facts of the plan, in tier order (see TIERS). Pair facts are only built where a rule
    can use them: contact pairs fewer than `pair_window_days` apart (plus each adjacent pair), draft
    pairs that share a word triple (exactly or with one word changed) and reach `min_similarity`;
    and of those, only the ones `pair_filter(kind, fact)` keeps (see lint.PairFilter). `cadence`
    holds the rules' cadence parameters (default: the rules' defaults)."""
    cadence = cadence or Cadence()
    ctx = _Context(plan, phrases, [])
    companies = _companies(plan)
    order = sorted(plan.actions, key=_order_key)
    text_lists = [name for name in phrases if name not in LEXICONS and phrases[name].sources]
    for action in plan.actions:
        _phrase_facts(ctx, action, text_lists)
    for action in plan.actions:
        _greeting_facts(ctx, action)
    distinctive = {c: distinctive_words(c, common_words()) for c in companies} if len(companies) > 1 else {}
    for action in plan.actions:
        _company_mention_facts(ctx, action, distinctive)
    for action in plan.actions:
        _recipient_facts(ctx, action)
    rejected = windows.after_rejection(plan)
    pressing: dict[str, str] = {}  # action -> its first words that ask to reconsider, chase or press
    for fact in ctx.facts:
        if fact["type"] == "phrase" and fact["list"] in PRESSING_LISTS:
            pressing.setdefault(fact["action"], fact["text"])
    for action in plan.actions:
        _action_fact(ctx, action, order, rejected.get(action.index), pressing.get(action.label, ""))
    if not only_text:
        _contact_pairs(ctx, order, min(pair_window_days, MAX_PAIR_GAP_DAYS + 1), pair_filter)
    _draft_pairs(ctx, order, min_similarity, pair_filter)
    for interview in plan.interviews:
        for pid in interview.people:
            person = plan.people[pid]
            ctx.add(
                "person",
                interview.person_pointers[pid],
                person=pid,
                name=person.name,
                title=person.title,
                has_email=bool(person.email),
                hiring_manager=person.hiring_manager,
                topic_count=len(person.topics),
                interview=interview.id,
                company=interview.company,
                interview_date=str(interview.when),
            )
    for interview in plan.interviews:
        managers = [plan.people[p].name for p in interview.people if plan.people[p].hiring_manager]
        decision_by = interview.decision_by
        ctx.add(
            "interview",
            interview.pointer,
            interview=interview.id,
            company=interview.company,
            role=interview.role,
            day=interview.when.ordinal,
            date=str(interview.when),
            past=interview.when.day < plan.today,
            upcoming=interview.when.day >= plan.today,
            has_hiring_manager=bool(managers),
            hiring_manager=join_names(managers),
            timing_asked=interview.timing_asked,
            has_decision_by=decision_by is not None,
            decision_by_day=decision_by.toordinal() if decision_by else 0,
            decision_by=decision_by.isoformat() if decision_by else "",
            candidate_decides_first=bool(plan.decision_date and decision_by and plan.decision_date < decision_by),
        )
    for company, interviews in companies.items():
        _company_fact(ctx, company, interviews, order)
    for state in windows.cadences(plan, cadence).values():
        _cadence_fact(ctx, state)
    return ctx.facts


def _cadence_fact(ctx: _Context, state: windows.CompanyCadence) -> None:
    window = state.due
    ctx.add(
        "cadence",
        state.interview.pointer,
        company=state.company,
        interview=state.interview.id,
        interview_date=str(state.interview.when),
        state=state.state,
        due=state.is_due,
        overdue=state.overdue,
        due_from=windows.day_text(window.start) if window else "",
        due_until=windows.day_text(window.end) if window else "",
        window_text=window.text() if window else "",
        basis=state.basis(),
        to_names=_names(ctx.plan, state.decision_makers),
        unanswered=len(state.unanswered),
        last_contact_date=str(state.last_contact.when) if state.last_contact else "",
    )


def _order_key(action: Action):
    return (
        action.when.day,
        action.when.moment.replace(tzinfo=None) if action.when.moment else datetime.min,
        action.index,
    )


def _companies(plan: Plan) -> dict[str, list]:
    out: dict[str, list] = {}
    for interview in plan.interviews:
        out.setdefault(interview.company, []).append(interview)
    return out


def _company_of(plan: Plan, action: Action) -> str:
    return plan.interview(action.interview).company


def _names(plan: Plan, ids) -> str:
    return join_names([plan.people[i].name for i in ids])


def _decision_makers(plan: Plan, company: str) -> set[str]:
    people = {p for i in plan.interviews if i.company == company for p in i.people}
    managers = {p for p in people if plan.people[p].hiring_manager}
    return managers or people


def _phrase_facts(ctx: _Context, action: Action, lists: list[str]) -> None:
    message = action.message
    if message is None:
        return
    plan = ctx.plan
    company = _company_of(plan, action)
    interview = plan.interview(action.interview)
    makers = _decision_makers(plan, company)
    base = dict(
        action=action.label,
        kind=action.kind,
        channel=action.channel,
        company=company,
        to_names=_names(plan, action.to),
        to_decision_maker=any(t in makers for t in action.to),
    )
    lexicon = TopicLexicon.from_lists(ctx.phrases)
    for segment in message.segments:
        scanned = without_links(segment.text)
        bounds = sentences(scanned)
        about: dict[tuple, tuple[str, str]] = {}  # each sentence read once, however many hits it holds
        for name in lists:
            for hit in _phrase_hits(scanned, ctx.phrases[name]):
                index = sentence_index(bounds, hit.start)
                sentence = bounds[index] if index is not None else (hit.start, hit.end)
                pitch = name.startswith("solution-")
                if (pitch, sentence) not in about:
                    sentence_text = segment.text[sentence[0] : sentence[1]]
                    challenge = _challenge_in(sentence_text, interview.challenges, lexicon)
                    if not challenge and pitch:
                        # the pitch may name the challenge in the sentence before or after ("... the
                        # carrier backlog. Here is how I would fix it")
                        around = (
                            segment.text[bounds[max(0, index - 1)][0] : bounds[min(len(bounds) - 1, index + 1)][1]]
                            if index is not None
                            else sentence_text
                        )
                        challenge = _challenge_in(around, interview.challenges, lexicon)
                    about[(pitch, sentence)] = (_clipped(sentence_text), challenge)
                words_of, challenge = about[(pitch, sentence)]
                ctx.add(
                    "phrase",
                    action.pointer,
                    list=name,
                    text=segment.text[hit.start : hit.end],
                    sentence=words_of,
                    about_challenge=challenge,
                    in_subject=segment.kind == "subject",
                    **base,
                    **_span(segment, hit.start, hit.end),
                )


def _clipped(sentence: str, limit: int = 200) -> str:
    """The sentence's words joined by single spaces, cut at `limit` characters (reading only as much
    of a long sentence as that needs)."""
    head = sentence[: limit * 4]
    joined = " ".join(head.split())
    if len(joined) >= limit or len(head) == len(sentence):
        return joined[:limit]
    return " ".join(sentence.split())[:limit]


@by_content(maxsize=1024, max_chars=32_768)
def _phrase_hits(text: str, phrases: PhraseList) -> tuple:
    """The list's first MAX_PHRASE_FACTS matches in a text (cached by content: drafts rarely change
    between lints; the rules see no more, and a 1 MB draft may hold hundreds of thousands)."""
    return tuple(find_phrases(text, phrases, sentences(text), MAX_PHRASE_FACTS))


@by_content(maxsize=4096, max_chars=2_000)
def _challenge_in(sentence: str, challenges: tuple[str, ...], lexicon: TopicLexicon) -> str:
    bounds, memo = sentences(sentence), {}  # the sentence read once for all the challenges
    for challenge in challenges:
        if topic_mention(sentence, challenge, lexicon, bounds, memo):
            return challenge
    return ""


def _span(segment: Segment, start: int, end: int) -> dict:
    line, column = segment.position(start)
    end_line, end_column = segment.position(end)
    return dict(path=segment.path, line=line, column=column, end_line=end_line, end_column=end_column)


def _plan_people(plan: Plan) -> list[tuple[str, str, frozenset[str]]]:
    """(id, name, the words they answer to) for everyone of the plan the candidate may write to:
    interviewers (with their aliases), HR contacts and the search consultant."""
    people = [(pid, p.name, name_keys(p.name, p.aliases)) for pid, p in plan.people.items()]
    others = [i.hr_contact for i in plan.interviews if i.hr_contact] + (
        [plan.search_consultant] if plan.search_consultant else []
    )
    for other in others:
        name = str(other.get("name") or "")
        if name and all(name != n for _, n, _ in people):
            people.append(("", name, name_keys(name)))
    return people


def _greeting_facts(ctx: _Context, action: Action) -> None:
    """A `greeting_name` fact for each word of the greeting that names a person of the plan."""
    message = action.message
    if message is None or not action.written:
        return
    plan = ctx.plan
    recipients = set(action.to) | set(action.cc_people)
    people = _plan_people(plan)
    candidate = name_keys(plan.candidate_name)
    body = message.body
    matches = []
    for word in greeting_names(body.text):
        key = fold(word.text)
        if key in candidate:
            continue
        named = [(pid, name) for pid, name, keys in people if key in keys]
        if not named:
            continue
        mine = [name for pid, name in named if pid in recipients]
        matches.append((word, mine[0] if mine else named[0][1], bool(mine)))
    greets_recipient = any(is_recipient and word.addressed for word, _, is_recipient in matches)
    interview = plan.interview(action.interview)
    for word, person, is_recipient in matches:
        ctx.add(
            "greeting_name",
            action.pointer,
            action=action.label,
            kind=action.kind,
            company=interview.company,
            to_names=_names(plan, action.to),
            text=word.text,
            person=person,
            recipient=is_recipient,
            addressed=word.addressed,
            greets_recipient=greets_recipient,
            **_span(body, word.start, word.end),
        )


def _company_mention_facts(ctx: _Context, action: Action, distinctive: dict[str, tuple[str, ...]]) -> None:
    """A `company_mention` fact wherever a message names a company of the plan (only when the plan
    has several companies: naming the one you write to is the usual case)."""
    message = action.message
    if message is None or not action.written or not distinctive:
        return
    plan = ctx.plan
    own = plan.interview(action.interview).company
    # words of the recipient's own company, role and people are never another company's name
    reserved = {fold(w) for w in distinctive.get(own, ())} | {
        fold(w) for p in plan.people.values() for w in p.name.split()
    }
    for segment in message.segments:
        scanned = without_links(segment.text)
        for company, words_of in distinctive.items():
            kept = tuple(w for w in words_of if company == own or fold(w) not in reserved)
            for hit in islice(company_mentions(scanned, company, kept), MAX_PHRASE_FACTS):
                ctx.add(
                    "company_mention",
                    action.pointer,
                    action=action.label,
                    kind=action.kind,
                    company=own,
                    to_names=_names(plan, action.to),
                    named=company,
                    text=segment.text[hit.start : hit.end],
                    own=company == own,
                    in_subject=segment.kind == "subject",
                    **_span(segment, hit.start, hit.end),
                )


def _recipient_facts(ctx: _Context, action: Action) -> None:
    plan = ctx.plan
    interview = plan.interview(action.interview)
    known = {p.email for p in plan.people.values() if p.email}
    header_addresses = set(action.message.to_addresses) if action.message else set()
    helpers = []
    if interview.hr_contact:
        hr = interview.hr_contact
        helpers.append(f"the HR contact {hr['name']}" + (f" ({hr['email']})" if hr.get("email") else ""))
    if plan.search_consultant:
        sc = plan.search_consultant
        helpers.append(f"your search consultant {sc['name']}" + (f" ({sc['email']})" if sc.get("email") else ""))
    where = " or ".join(helpers) if helpers else "the company's HR contact or whoever arranged the interview"
    for pid in action.to:
        person = plan.people[pid]
        unknown_header = bool(header_addresses - known) and len(action.to) == 1
        ctx.add(
            "recipient",
            action.pointer,
            action=action.label,
            kind=action.kind,
            channel=action.channel,
            person=pid,
            name=person.name,
            interview=interview.id,
            company=interview.company,
            has_email=bool(person.email) or unknown_header,
            where_to_ask=where,
            date=str(action.when),
        )


def _action_fact(ctx: _Context, action: Action, order: list[Action], rejection: tuple | None, pressing: str) -> None:
    plan = ctx.plan
    interview = plan.interview(action.interview)
    company = interview.company
    people = [plan.people[t] for t in action.to]
    topics = [t for p in people for t in p.topics]
    names = [interview.company, interview.role, plan.candidate_name] + [n for p in people for n in (p.name, p.title)]
    mentions, detail_count = _reading(
        action.message.text if action.message else "",
        tuple(topics),
        tuple(names),
        ctx.phrases.get("courtesy"),
        ctx.phrases.get("placeholder"),
        ctx.phrases.get("stock-words"),
        TopicLexicon.from_lists(ctx.phrases),
        (ctx.phrases.get("own-timeline"), ctx.phrases.get("ultimatum")),
    )
    latest = _latest_interview(plan, company, action)
    replied = _replied_between(plan, company, latest.when, action.when, inclusive_end=True) if latest else False
    purpose_hits = (
        find_phrases(action.purpose, ctx.phrases["where-do-i-stand"])
        if action.purpose and "where-do-i-stand" in ctx.phrases
        else []
    )
    ctx.add(
        "action",
        action.pointer,
        action=action.label,
        kind=action.kind,
        channel=action.channel,
        medium=medium(action.channel),
        written=action.written,
        has_message=action.message is not None,
        status=action.status,
        day=action.when.ordinal,
        date=str(action.when),
        interview=interview.id,
        interview_date=str(interview.when),
        company=company,
        to_count=len(action.to),
        to_names=_names(plan, action.to),
        cc_count=len(action.cc_people),
        cc_names=_names(plan, action.cc_people),
        to_hiring_manager=any(p.hiring_manager for p in people),
        days_after_interview=action.when.ordinal - interview.when.ordinal,
        days_after_text=days(action.when.ordinal - interview.when.ordinal),
        what=describe(action),
        elapsed_hours=_elapsed_hours(interview.when, action.when),
        replied_since_interview=replied,
        follow_up_number=_follow_up_number(plan, action, order) if action.kind == "follow_up" else 0,
        topic_count=len(topics),
        topics="; ".join(topics),
        topic_mentions=mentions,
        detail_count=detail_count,
        purpose=action.purpose,
        purpose_asks_standing=bool(purpose_hits),
        sales_role=plan.sales_role,
        **_cadence_fields(ctx, action, rejection, pressing),
    )


def _cadence_fields(ctx: _Context, action: Action, rejection: tuple | None, pressing: str) -> dict:
    late = windows.overdue_days(action, ctx.plan.today)
    return dict(
        overdue=late > 0,
        days_overdue=late,
        days_overdue_text=windows.days_text(late),
        after_rejection=rejection is not None,
        rejection_date=str(rejection[0].when) if rejection else "",
        written_after_rejection=rejection[1] if rejection else 0,
        presses=bool(pressing),
        pressing_text=pressing,
    )


@by_content(maxsize=512, max_chars=32_768)
def _reading(
    message: str,
    topics: tuple[str, ...],
    names: tuple[str, ...],
    courtesy: PhraseList | None,
    placeholder: PhraseList | None,
    stock_words: PhraseList | None,
    lexicon: TopicLexicon,
    logistics: tuple[PhraseList | None, ...] = (),
) -> tuple[int, int]:
    """How many of the topics a message touches on, and how many words of specific detail it has.
    A pure function of its arguments, cached: re-lints mostly see the same drafts."""
    text = original = without_links(message)
    # courtesy lines ("out of your busy schedule") name no topic; placeholders hold no detail
    text = _blank_hits(text, courtesy)
    text = _blank_hits(text, placeholder)
    # the company, the role and the people's names are no topic ("the Records Clerk position")
    named = _blank_names(text, list(names))
    bounds = sentences(named) if named else ()
    memo: dict = {}  # each sentence read into words once for all the topics
    mentions = sum(1 for t in topics if topic_mention(named, t, lexicon, bounds, memo)) if named else 0
    stock = stock_words.words if stock_words is not None else frozenset()
    # no detail of the conversation: a template's sentence around a slot, the candidate's own
    # timeline or terms ("I am weighing another offer and expect to decide by March 29")
    text = _blank_sentences_of(original, text, (placeholder, *logistics))
    details = specific_details(text, stock, list(names), common_words()) if text else []
    return mentions, detail_count(details, text)


def _blank_sentences_of(original: str, text: str, lists: tuple[PhraseList | None, ...]) -> str:
    """`text` with each sentence of `original` (same offsets) in which a list matches blanked."""
    lists = tuple(p for p in lists if p is not None)
    if not text or not lists:
        return text
    bounds = sentences(original)
    spans = {
        bounds[index]
        for phrases in lists
        for hit in find_phrases(original, phrases, bounds)
        if (index := sentence_index(bounds, hit.start)) is not None
    }
    return blank_spans(text, sorted(spans)) if spans else text


def _blank_names(text: str, names: list[str]) -> str:
    """The text with each of the names (as whole words, any case) replaced by spaces."""
    order = tuple(sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True))
    return blank_spans(text, name_spans(text, order))


def _blank_hits(text: str, phrases: PhraseList | None) -> str:
    """The text with every match of the list replaced by spaces (offsets kept)."""
    if not text or phrases is None:
        return text
    return blank_spans(text, [(hit.start, hit.end) for hit in find_phrases(text, phrases)])


def _elapsed_hours(start, end) -> float:
    if start.moment is not None and end.moment is not None:
        # Elapsed time, not wall-clock difference: through UTC (across a change of daylight time).
        a, b = start.moment.astimezone(UTC), end.moment.astimezone(UTC)
        return round((b - a).total_seconds() / 3600, 2)
    return float((end.day - start.day).days * 24)


def _latest_interview(plan: Plan, company: str, action: Action):
    held = [i for i in plan.interviews if i.company == company and i.when.day <= action.when.day]
    return max(held, key=lambda i: (i.when.day, i.index)) if held else None


def _le(a, b) -> bool:
    """a <= b for two Whens: by datetime when both have times, else by date."""
    if a.moment is not None and b.moment is not None:
        return a.moment.astimezone(UTC) <= b.moment.astimezone(UTC)
    return a.day <= b.day


def _lt(a, b) -> bool:
    if a.moment is not None and b.moment is not None:
        return not _le(b, a)
    return a.day < b.day


def _replied_between(plan: Plan, company: str, start, end, *, inclusive_end: bool = False) -> bool:
    """A reply from the company with start <= reply < end (or <= end)."""
    for reply in plan.replies:
        if reply.company != company:
            continue
        if _le(start, reply.when) and (_le(reply.when, end) if inclusive_end else _lt(reply.when, end)):
            return True
    return False


def _follow_up_number(plan: Plan, action: Action, order: list[Action]) -> int:
    company = _company_of(plan, action)
    anchors = [r.when for r in plan.replies if r.company == company and _le(r.when, action.when)]
    latest = _latest_interview(plan, company, action)
    if latest:
        anchors.append(latest.when)
    anchor = (
        max(anchors, key=lambda w: (w.day, w.moment.replace(tzinfo=None) if w.moment else datetime.min))
        if anchors
        else None
    )
    count = 0
    for other in order:
        if other.kind != "follow_up" or _company_of(plan, other) != company:
            continue
        if anchor is not None and _lt(other.when, anchor):
            continue
        count += 1
        if other is action:
            return count
    return count


def _contact_pairs(
    ctx: _Context, order: list[Action], window: int = MAX_PAIR_GAP_DAYS + 1, keep: Callable | None = None
) -> None:
    plan = ctx.plan
    by_company: dict[str, list[Action]] = {}
    for action in order:
        by_company.setdefault(_company_of(plan, action), []).append(action)
    for company, actions in by_company.items():
        for j, later in enumerate(actions):
            for i in range(j - 1, -1, -1):
                earlier = actions[i]
                gap = later.when.ordinal - earlier.when.ordinal
                adjacent = i == j - 1
                if gap >= window and not adjacent:
                    break
                fields = dict(
                    company=company,
                    gap_days=gap,
                    adjacent=adjacent,
                    reply_between=_replied_between(plan, company, earlier.when, later.when),
                    same_person=bool(set(earlier.to) & set(later.to)),
                    earlier_action=earlier.label,
                    later_action=later.label,
                    earlier_kind=earlier.kind,
                    later_kind=later.kind,
                    earlier_channel=earlier.channel,
                    later_channel=later.channel,
                    earlier_medium=medium(earlier.channel),
                    later_medium=medium(later.channel),
                    earlier_date=str(earlier.when),
                    later_date=str(later.when),
                    earlier_to_names=_names(plan, earlier.to),
                    later_to_names=_names(plan, later.to),
                    earlier_what=describe(earlier),
                    later_what=describe(later),
                    gap_phrase="on the same day as" if gap == 0 else f"{days(gap)} after",
                    related_pointer=earlier.pointer,
                )
                if keep is None or keep("contact_pair", {"pointer": later.pointer, **fields}):
                    ctx.add("contact_pair", later.pointer, **fields)


def _draft_pairs(ctx: _Context, order: list[Action], min_similarity: float = 0.0, keep: Callable | None = None) -> None:
    plan = ctx.plan
    courtesy = ctx.phrases.get("courtesy")
    prepared = []
    for action in order:
        if action.message is None or not action.written:
            continue
        interview = plan.interview(action.interview)
        company = interview.company
        masks = (
            [company, interview.role, plan.candidate_name]
            + [part for p in plan.people.values() for part in (p.name, p.title, *p.name.split())]
            + plan.candidate_name.split()
        )
        body = action.message.body
        masked, triples = _prepared(body.text, tuple(masks), courtesy)
        prepared.append((action, company, masked, triples, body))
    for j, i in _candidate_pairs(prepared):
        later, company, masked_later, later_set, body = prepared[j]
        earlier, other_company, _, earlier_set, _ = prepared[i]
        if other_company != company or set(earlier.to) & set(later.to):
            continue
        score, (start, end) = _compared(masked_later, earlier_set, later_set)
        if score <= 0 or round(score, 4) < min_similarity:
            continue
        fields = dict(
            company=company,
            similarity=round(score, 4),
            similarity_percent=math.floor(score * 100 + 0.5),
            earlier_action=earlier.label,
            later_action=later.label,
            earlier_to_names=_names(plan, earlier.to),
            later_to_names=_names(plan, later.to),
            earlier_date=str(earlier.when),
            later_date=str(later.when),
            excerpt=" ".join(body.text[start:end].split())[:160],
            related_pointer=earlier.pointer,
            **_span(body, start, end),
        )
        if keep is None or keep("draft_pair", {"pointer": later.pointer, **fields}):
            ctx.add("draft_pair", later.pointer, **fields)


def _candidate_pairs(prepared: list[tuple]) -> list[tuple[int, int]]:
    """(later, earlier) index pairs of messages to the same company that share a word triple, as it
    is or with one word left open: exactly the pairs whose similarity can be above 0. A company
    with few messages compares their sets of those keys pair by pair (set operations, in C); one
    with many uses an inverted index over the keys, near-linear for drafts with little in common."""
    by_company: dict[str, list[tuple[int, frozenset]]] = {}
    for j, (_action, company, _masked, triples, _body) in enumerate(prepared):
        by_company.setdefault(company, []).append((j, triples | _gapped_set(triples)))
    pairs: set[tuple[int, int]] = set()
    for messages in by_company.values():
        if len(messages) <= _PAIRWISE_UP_TO:
            for b, (j, later) in enumerate(messages):
                pairs.update((j, i) for i, earlier in messages[:b] if not later.isdisjoint(earlier))
            continue
        index: dict[tuple, list[int]] = {}
        for j, keys in messages:
            for key in keys:
                bucket = index.setdefault(key, [])
                pairs.update((j, i) for i in bucket)
                bucket.append(j)
    return sorted(pairs)


_PAIRWISE_UP_TO = 40  # messages to one company compared pair by pair (at most 780 set comparisons)


def _prepared_bytes(key: tuple, result: tuple) -> int:
    """An upper bound of the bytes of a body, its masked text and its word triples (about 200
    bytes a triple, strings included), without walking them."""
    body, masks, _courtesy = key
    masked, triples = result
    return 2 * (sys.getsizeof(body) + sys.getsizeof(masked)) + 100 * len(masks) + 250 * len(triples) + 1000


@by_content(maxsize=512, max_chars=32_768, size=_prepared_bytes)
def _prepared(body: str, masks: tuple[str, ...], courtesy: PhraseList | None) -> tuple[str, frozenset]:
    """A message body with names masked, and its word triples (cached by content)."""
    masked = mask(without_links(body), list(masks))
    return masked, frozenset(shingles(masked, courtesy))


def _compared_bytes(key: tuple, result: tuple) -> int:
    """An upper bound of the bytes of a comparison's key and result: the masked text and the two
    sets of word triples (about 200 bytes a triple, strings included), without walking them."""
    masked, earlier, later = key
    return 2 * sys.getsizeof(masked) + 250 * (len(earlier) + len(later)) + 1000


@by_content(maxsize=1024, max_chars=32_768, size=_compared_bytes)
def _compared(masked_later: str, earlier: frozenset, later: frozenset) -> tuple[float, tuple[int, int]]:
    """The similarity of two prepared messages and the longest passage the later shares."""
    score = similarity(earlier, later)
    return score, (_shared_passage(masked_later, earlier) if score > 0 else (0, 0))


def _shared_passage(masked: str, other: set) -> tuple[int, int]:
    """The longest run of the text's word triples that the other message also has."""
    tokens, stems, _ = stemmed_words(masked)
    best = (0, 0)
    run_start = None
    for i in range(len(tokens) - 2):
        triple = tuple(stems[i : i + 3])
        if triple in other:
            if run_start is None:
                run_start = i
            if i + 3 - run_start > best[1] - best[0]:
                best = (run_start, i + 3)
        else:
            run_start = None
    if best == (0, 0):
        return 0, 0
    return tokens[best[0]][1], tokens[best[1] - 1][2]


def _company_fact(ctx: _Context, company: str, interviews: list, order: list[Action]) -> None:
    plan = ctx.plan
    deadlines = [i.decision_by for i in interviews if i.decision_by]
    latest = max(deadlines) if deadlines else None
    first = bool(plan.decision_date and (latest is None or plan.decision_date < latest))
    managers = {p for i in interviews for p in i.people if plan.people[p].hiring_manager}
    makers = _decision_makers(plan, company)
    to_makers = [
        a
        for a in order
        if a.message is not None and a.written and _company_of(plan, a) == company and any(t in makers for t in a.to)
    ]
    pointer = to_makers[-1].pointer if to_makers else max(interviews, key=lambda i: (i.when.day, i.index)).pointer
    ctx.add(
        "company",
        pointer,
        company=company,
        candidate_deadline_first=first,
        decision_date=plan.decision_date.isoformat() if plan.decision_date else "",
        decision_by=latest.isoformat() if latest else "",
        has_hiring_manager=bool(managers),
        decision_makers=_names(plan, sorted(managers, key=list(plan.people).index))
        if managers
        else "anyone at the company",
        has_written_message=bool(to_makers),
    )
