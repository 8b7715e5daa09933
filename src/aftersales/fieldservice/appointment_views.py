"""Console pages of field service appointments: the list, booking, one appointment with its
changes, the engineer's day and week (phone first), the dispatch board, representatives, and
the customer's signed slot link (no login)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts.decorators import permission_required
from aftersales.accounts.endpoint_access import PUBLIC, access
from aftersales.accounts.models import User
from aftersales.cases.pickers import engineer_names_for_picker
from aftersales.cases.selectors import case_get_for_user
from aftersales.core.db import id_or_none
from aftersales.core.errors import ApplicationError, Invalid, NotFound
from aftersales.core.html_errors import add_form_error, flash_error, raise_http
from aftersales.core.list_pages import ListFilter, get_or_404, list_page
from aftersales.core.moments import typed_moment
from aftersales.core.uploads import stored_file_response
from aftersales.fieldservice import appointment_access as rules
from aftersales.fieldservice import appointment_parts, appointments, dispatch, job_photos
from aftersales.fieldservice import appointment_selectors as selectors
from aftersales.fieldservice.models import Appointment, AppointmentStatus
from aftersales.registry.models import Region, Skill

PER_PAGE = 50
DONE = _("Done.")
PHOTO_ADDED = _("Photo added.")
BOOKED = _("Booked.")
REQUIRED = _("This field is required.")
STEP_LABELS = {
    appointments.DEPART: _("Departed"),
    appointments.ARRIVE: _("Arrived"),
    appointments.FINISH: _("Finished"),
}


def _day(value: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return timezone.localdate()


def _moment(post: QueryDict, name: str) -> dt.datetime:
    value = typed_moment(post.get(name, ""), field=name)
    if value is None:
        raise Invalid(REQUIRED, field=name)
    return value


def navigation_url(obj: Appointment) -> str:
    """A map search for the address (Amap's public URI API: no JS, opens the app on a phone)."""
    where = obj.address or (obj.site.address if obj.site_id else "")
    where = where or (obj.customer.name if obj.customer_id else "")
    return f"https://uri.amap.com/search?keyword={quote(where)}" if where else ""


class AppointmentFilter(ListFilter):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses"))] + AppointmentStatus.choices,
    )
    day = forms.DateField(
        label=_("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    q = None
    inactive = None


@permission_required(rules.VIEW)
def appointment_list(request: HttpRequest) -> HttpResponse:
    filters = AppointmentFilter(request.GET)
    day = filters.value("day")
    try:
        qs = selectors.appointment_list(
            user=request.user,
            filters=selectors.AppointmentFilters(
                status=filters.value("status") or "",
                date_from=day,
                date_to=day,
                engineer=request.GET.get("engineer", "")[:150],
            ),
        )
    except ApplicationError as exc:
        raise_http(exc)
        raise
    sees_board = rules.sees_all(request.user) or bool(rules.represented_regions(request.user))
    return list_page(
        request,
        "fieldservice/appointment_list.html",
        qs,
        filters,
        None,
        PER_PAGE,
        sees_board=sees_board,
    )


class BookForm(forms.Form):
    engineer = forms.ModelChoiceField(
        label=_("Engineer"), queryset=User.objects.none(), to_field_name="username"
    )
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    case = forms.CharField(label=_("Case number"), max_length=32, required=False)
    # Set by the "book an engineer" link of an inspection visit, a delivery or a repair order.
    visit = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
    delivery = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
    repair = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    notes = forms.CharField(
        label=_("Notes"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    # Generated with the form: submitting it twice (a retry on a bad line) books once.
    client_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["engineer"].queryset = engineer_names_for_picker()


@permission_required(rules.ADD)
def appointment_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = BookForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                obj, _created = appointments.appointment_book(
                    by=request.user,
                    engineer=data["engineer"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    case=data["case"] or None,
                    address=data["address"],
                    notes=data["notes"],
                    client_key=data["client_key"],
                    visit=data["visit"],
                    delivery=data["delivery"],
                    repair=data["repair"],
                )
            except ApplicationError as exc:
                add_form_error(form, exc)
            else:
                messages.success(request, BOOKED)
                return redirect("appointments:detail", pk=obj.pk)
    else:
        form = BookForm(
            initial={
                "client_key": uuid.uuid4().hex,
                "case": request.GET.get("case", "")[:32],
                "engineer": request.GET.get("engineer", "")[:150] or None,
                "visit": id_or_none(request.GET.get("visit")),
                "delivery": id_or_none(request.GET.get("delivery")),
                "repair": id_or_none(request.GET.get("repair")),
            }
        )
    return render(request, "fieldservice/appointment_form.html", {"form": form})


@permission_required(rules.VIEW)
def appointment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_or_404(selectors.appointment_get_for_user, request, pk)
    step_allowed = rules.can_record_step(request.user, obj)
    context = {
        "obj": obj,
        "slots": list(obj.slots.all()),
        "actions": rules.available_actions(request.user, obj),
        "steps": _next_steps(obj) if step_allowed else [],
        "events": selectors.activities_for_user(user=request.user, appointment=obj),
        "nav_url": navigation_url(obj),
        "link": appointments.link_url(obj) if obj.status == AppointmentStatus.PROPOSED else "",
        "key": uuid.uuid4().hex,
        "parts": list(appointment_parts.parts_used(obj)),
        "may_use_part": rules.can_use_part(request.user, obj),
        "photos": list(obj.photos.all()),
        "may_add_photo": rules.can_add_photo(request.user, obj),
    }
    return render(request, "fieldservice/appointment_detail.html", context)


def _next_steps(obj: Appointment) -> list[tuple[str, Any]]:
    if obj.status != AppointmentStatus.CONFIRMED:
        return []
    if obj.arrived_at is None:
        names = (
            [appointments.ARRIVE] if obj.departed_at else [appointments.DEPART, appointments.ARRIVE]
        )
    else:
        names = [appointments.FINISH]
    return [(name, STEP_LABELS[name]) for name in names]


def _slots(post: QueryDict) -> list[tuple[dt.datetime, dt.datetime]]:
    slots = []
    for n in range(3):
        if post.get(f"slot{n}_starts_at") or post.get(f"slot{n}_ends_at"):
            slots.append((_moment(post, f"slot{n}_starts_at"), _moment(post, f"slot{n}_ends_at")))
    return slots


ACTIONS = {
    "cancel": lambda o, u, p: appointments.appointment_cancel(
        appointment=o, by=u, reason=p.get("reason", "")
    ),
    "move": lambda o, u, p: appointments.appointment_move(
        appointment=o,
        by=u,
        starts_at=_moment(p, "starts_at"),
        ends_at=_moment(p, "ends_at"),
        engineer=p.get("engineer", "").strip()[:150] or None,
    ),
    "propose": lambda o, u, p: appointments.appointment_propose(
        appointment=o, by=u, slots=_slots(p)
    ),
    "choose": lambda o, u, p: appointments.appointment_choose(
        appointment=o, by=u, slot_id=int(p.get("slot") or 0)
    ),
    "reschedule": lambda o, u, p: appointments.appointment_ask_reschedule(
        appointment=o, by=u, text=p.get("text", "")
    ),
    "parts": lambda o, u, p: appointment_parts.appointment_use_part(
        appointment=o,
        by=u,
        part_number=p.get("part_number", ""),
        quantity=_count(p.get("quantity", "1")),
        serial=p.get("serial", ""),
    ),
}


def _count(value: str) -> int:
    """A typed quantity; anything else is 0, which the service refuses naming the field."""
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 6 else 0


@permission_required(rules.VIEW)
@require_POST
def appointment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    obj = get_or_404(selectors.appointment_get_for_user, request, pk)
    if action not in ACTIONS and action not in appointments.STEPS:
        raise Http404
    try:
        if action in ACTIONS:
            ACTIONS[action](obj, request.user, request.POST)
        else:
            appointments.appointment_step(
                appointment=obj,
                by=request.user,
                step=action,
                at=typed_moment(request.POST.get("at", "")),
                client_key=request.POST.get("client_key", "")[:64],
            )
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, DONE)
    target = request.POST.get("next", "")
    if target == "my-day":
        return redirect("appointments:my_day")
    return redirect("appointments:detail", pk=obj.pk)


@permission_required(rules.VIEW)
@require_POST
def appointment_photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_or_404(selectors.appointment_get_for_user, request, pk)
    try:
        job_photos.job_photo_add(
            appointment=obj,
            by=request.user,
            file=request.FILES.get("photo"),
            caption=request.POST.get("caption", ""),
            client_key=request.POST.get("client_key", "")[:64],
        )
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, PHOTO_ADDED)
    return redirect("appointments:detail", pk=obj.pk)


@permission_required(rules.VIEW)
def appointment_photo(request: HttpRequest, pk: int, photo_id: int) -> HttpResponse:
    obj = get_or_404(selectors.appointment_get_for_user, request, pk)
    try:
        photo = job_photos.photo_of(obj, photo_id)
    except NotFound as exc:
        raise Http404 from exc
    return stored_file_response(photo.file, name=photo.name, content_type=photo.content_type)


@permission_required(rules.VIEW)
def my_day(request: HttpRequest) -> HttpResponse:
    day = _day(request.GET.get("day"))
    jobs = selectors.my_day(user=request.user, day=day)
    rows = [
        {
            "obj": a,
            "nav_url": navigation_url(a),
            "steps": _next_steps(a),
            "key": uuid.uuid4().hex,
        }
        for a in jobs
    ]
    context = {
        "day": day,
        "rows": rows,
        "previous": day - dt.timedelta(days=1),
        "next": day + dt.timedelta(days=1),
    }
    return render(request, "fieldservice/engineer_day.html", context)


@permission_required(rules.VIEW)
def my_week(request: HttpRequest) -> HttpResponse:
    first = _day(request.GET.get("start"))
    first -= dt.timedelta(days=first.weekday())
    engineer = request.user
    name = request.GET.get("engineer", "")[:150]
    if name and name != request.user.username:
        # Another engineer's week: only whoever may see their appointments (board users).
        try:
            rules.board_regions(request.user)
        except ApplicationError as exc:
            raise_http(exc)
            raise
        engineer = User.objects.filter(username=name).first()
        if engineer is None:
            raise Http404
    days = selectors.week(user=request.user, engineer=engineer, first_day=first)
    context = {
        "engineer": engineer,
        "days": days,
        "first": first,
        "previous": first - dt.timedelta(days=7),
        "next": first + dt.timedelta(days=7),
        "today": timezone.localdate(),
    }
    return render(request, "fieldservice/engineer_day_week.html", context)


class SuggestForm(forms.Form):
    case = forms.CharField(label=_("Case number"), max_length=32)
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    skill = forms.ModelChoiceField(
        label=_("Skill"), queryset=Skill.objects.all(), to_field_name="code", required=False
    )


def _board_cells(groups: list) -> None:
    """The board's cells as ready HTML: built here, not through template tags or format_html,
    since 2,000 schedule chips cost 100+ ms that way. Every part is safe: int pks, "HH:MM"
    times, an escaped URL; names and skills go through the template's escaping."""
    chip = '<a class="badge text-bg-light border me-1" href="' + escape(
        reverse("appointments:list")
    )
    free = format_html('<span class="text-secondary">{}</span>', _("free"))
    for _region, rows in groups:
        for row in rows:
            row.schedule = free
            if row.appointments:
                row.schedule = mark_safe(  # noqa: S308
                    "".join(
                        f'{chip}{int(a.pk)}/">{a.starts}–{a.ends}</a>' for a in row.appointments
                    )
                )
            row.username = quote(row.user.username)
            row.skills_text = ", ".join(row.skills) or "—"


@permission_required(rules.VIEW)
def board(request: HttpRequest) -> HttpResponse:
    day = _day(request.GET.get("day"))
    region = request.GET.get("region", "")
    region = region if region in Region.values else ""
    try:
        groups = dispatch.board(user=request.user, day=day, region=region)
    except ApplicationError as exc:
        raise_http(exc)
        raise
    _board_cells(groups)
    form = SuggestForm(request.GET if "case" in request.GET else None)
    suggestions, case = [], None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            try:
                case = case_get_for_user(user=request.user, number=data["case"])
            except NotFound:
                raise Invalid(appointments.UNKNOWN_CASE, field="case") from None
            starts_at, ends_at = appointments.check_times(data["starts_at"], data["ends_at"])
            suggestions = dispatch.suggest_for_case(
                user=request.user,
                case=case,
                starts_at=starts_at,
                ends_at=ends_at,
                skill=data["skill"].code if data["skill"] else "",
            )
        except ApplicationError as exc:
            add_form_error(form, exc)
            case = None
    context = {
        "day": day,
        "region": region,
        "regions": Region.choices,
        "groups": groups,
        "form": form,
        "case": case,
        "suggestions": suggestions,
        "key": uuid.uuid4().hex,
        "can_book": request.user.has_perm(rules.ADD),
        "hours": range(8, 19),
    }
    return render(request, "fieldservice/dispatch_board.html", context)


@permission_required(rules.ADD)
@require_POST
def board_assign(request: HttpRequest) -> HttpResponse:
    """Assign the case to the engineer and book the slot: one action, one transaction."""
    post = request.POST
    try:
        obj, _created = appointments.appointment_book(
            by=request.user,
            engineer=post.get("engineer", "")[:150],
            starts_at=_moment(post, "starts_at"),
            ends_at=_moment(post, "ends_at"),
            case=post.get("case", "")[:32] or None,
            client_key=post.get("client_key", "")[:64],
            assign_case=True,
        )
    except ApplicationError as exc:
        flash_error(request, exc)
        return redirect("appointments:board")
    messages.success(request, BOOKED)
    return redirect("appointments:detail", pk=obj.pk)


@permission_required(rules.DISPATCH)
def representatives(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            name = request.POST.get("user", "").strip()[:150]
            user = User.objects.filter(username=name, is_active=True).first() if name else None
            if name and user is None:
                raise Invalid(appointments.UNKNOWN_ENGINEER, field="user")
            dispatch.representative_set(
                by=request.user, region=request.POST.get("region", ""), user=user
            )
        except ApplicationError as exc:
            flash_error(request, exc)
        else:
            messages.success(request, DONE)
        return redirect("appointments:representatives")
    current = {r.region: r for r in selectors.representatives()}
    rows = [(value, label, current.get(value)) for value, label in Region.choices]
    staff = engineer_names_for_picker()
    return render(
        request, "fieldservice/dispatch_representatives.html", {"rows": rows, "staff": staff}
    )


@access(PUBLIC)
def pick(request: HttpRequest, token: str) -> HttpResponse:
    """The customer's signed link: pick a slot or ask for other times, no login."""
    try:
        obj = appointments.appointment_for_link(token)
    except NotFound as exc:
        return render(
            request, "fieldservice/appointment_pick.html", {"invalid": exc.message}, status=404
        )
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("reschedule"):
                appointments.appointment_ask_reschedule(
                    appointment=obj, text=request.POST.get("text", "")
                )
            else:
                slot = request.POST.get("slot", "")
                appointments.appointment_choose(
                    appointment=obj, slot_id=int(slot) if slot.isdigit() else 0
                )
        except ApplicationError as exc:
            error = exc.message
        else:
            return redirect("appointments:pick", token=token)
        obj.refresh_from_db()
    context = {"obj": obj, "slots": list(obj.slots.all()), "error": error}
    return render(request, "fieldservice/appointment_pick.html", context)


app_name = "appointments"
urlpatterns = [
    path("", appointment_list, name="list"),
    path("new/", appointment_new, name="new"),
    path("my-day/", my_day, name="my_day"),
    path("week/", my_week, name="week"),
    path("board/", board, name="board"),
    path("board/assign/", board_assign, name="board_assign"),
    path("representatives/", representatives, name="representatives"),
    path("pick/<str:token>/", pick, name="pick"),
    path("<int:pk>/", appointment_detail, name="detail"),
    path("<int:pk>/photos/", appointment_photo_add, name="photo_add"),
    path("<int:pk>/photos/<int:photo_id>/", appointment_photo, name="photo"),
    path("<int:pk>/<str:action>/", appointment_action, name="action"),
]
