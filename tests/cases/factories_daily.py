"""Small factories for the daily-use features (issue 11); append only, one section each."""


# --- organize (tags, links, merges, bulk): org ---


def open_case(by, customer, *, title="交换机故障", priority="P2", contact=None):
    """An open (new) case of `customer`, opened by `by`."""
    from aftersales.cases import services

    return services.case_create(
        by=by,
        customer=customer,
        contact=contact,
        title=title,
        priority=priority,
        case_type="fault",
        channel="phone",
    )


def tag(name="VIP", colour="danger"):
    """A tag as the seat would coin it."""
    from aftersales.cases.models import Tag

    return Tag.objects.create(name=name, colour=colour)


# --- macros and work log: mac ---


def macro(by, *, name="请提供日志", team="", **fields):
    """A macro made through the service: personal to `by`, or shared with `team`."""
    from aftersales.cases import macros

    fields.setdefault("body", "{contact}您好，请提供 {case_number} 的日志。——{engineer}")
    return macros.macro_create(by=by, name=name, team=team, **fields)


def macro_fillers(case, engineer, manager) -> dict:
    """The isolation sweep's macro and work-log entry (tests/security/world): a team macro of
    the engineers and an entry by the case's engineer on customer A's case."""
    from aftersales.cases import worklog

    shared = macro(manager, name="SWP宏", team="engineer")
    entry = worklog.work_log_add(case=case, by=engineer, minutes=30, note="SWP")
    return {
        "macros/pk": shared.pk,
        "macros/id": shared.pk,
        "work-log/pk": entry.pk,
        "work-log/id": entry.pk,
    }


# --- the bell: bell ---


def notice(user, *, title="Case CS-1 assigned", url="", kind="case.assigned", **fields):
    """A notice of `user`'s bell, written as the outbox hook would."""
    from aftersales.notify.models import Notice

    return Notice.objects.create(user=user, kind=kind, title=title, url=url, **fields)


def notice_fillers(owner) -> dict:
    """The isolation sweep's notice (tests/security/world): one of `owner`'s."""
    return {"notices/notice_id": notice(owner, title="SWP").pk}
