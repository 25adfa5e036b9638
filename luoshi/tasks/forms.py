"""Forms of the task pages: the ledger filters and one form per action on a task.

The forms only parse what people type; the rules (who may, in which state, what is
acceptable) are the services' and the life cycle's, and their messages are shown as is.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.http import QueryDict
from django.urls import reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from luoshi.lib import field_of
from luoshi.meetings.models import Meeting, PriorityArea
from luoshi.tasks.ledger import SORT_LABELS, WORKING_FILTER, LedgerQuery
from luoshi.tasks.lifecycle import Status
from luoshi.tasks.models import Escalation, Indicator, Task
from luoshi.tasks.nodes import templates as node_templates
from luoshi.tasks.permissions import has_lead_access, is_supervisor
from luoshi.tasks.services import ALLOWED_EVIDENCE_EXTENSIONS, contributions_since_lead_report
from luoshi.units.fields import UnitChoiceField, UnitsChoiceField, indented
from luoshi.units.models import Unit
from luoshi.units.pickers import initials, tree_sorted
from luoshi.units.widgets import UnitSelect, UnitSelectMultiple

__all__ = ["UnitChoiceField", "UnitsChoiceField"]  # the request forms use them from here

ISO_DATE = ["%Y-%m-%d"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


# --- the ledger filters ---------------------------------------------------------------------

RECENT_MEETINGS = 30
INITIALS_SEARCHED = 500  # the latest meetings whose titles' pinyin initials a search reads
UNIT_FIELDS = ("id", "code", "name_zh", "name_en", "path")
AREA_FIELDS = ("id", "code", "name_zh", "name_en")


def _chosen(model: Any, fields: tuple[str, ...], rows: dict[str, tuple[Any, ...]], code: str) -> Any:
    """The unit or area a filter names, made from the row the form read; None when none is chosen."""
    row = rows.get(code)
    return None if row is None else model.from_db(None, fields, row)


def meeting_label(meeting: Meeting) -> str:
    return _dated(meeting.title, meeting.date)


def _dated(title: str, date: dt.date | None) -> str:
    return f"{date:%Y-%m-%d} · {title}" if date else title


LABELLED = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*·\s*(.+)$")
MATCHES_SHOWN = 5


DATE_PREFIX = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


def meeting_suggestions(text: str = "") -> list[str]:
    """"date · title" of up to RECENT_MEETINGS meetings, newest first: the latest, or those
    whose title contains `text` or whose date starts with it (2022, 2022-10, 2022-10-07)."""
    meetings = Meeting.objects.order_by(F("date").desc(nulls_last=True), "-id")
    text = " ".join(text.split())
    labelled = LABELLED.match(text)
    if labelled:
        text = labelled.group(2)
    if text:
        prefix = DATE_PREFIX.match(text)
        if prefix:
            year, month, day = (int(part) if part else None for part in prefix.groups())
            meetings = meetings.filter(date__year=year)
            if month:
                meetings = meetings.filter(date__month=month)
            if day:
                meetings = meetings.filter(date__day=day)
        else:
            found = meetings.filter(title__icontains=text)
            if text.isascii() and text.isalnum() and not found.exists():
                # Pinyin initials (cwhy for 常务会议), looked for in the latest meetings' titles.
                typed = text.lower()
                recent = meetings.values_list("title", "date")[:INITIALS_SEARCHED]
                return [_dated(title, date) for title, date in recent if typed in initials(title)][:RECENT_MEETINGS]
            meetings = found
    return [_dated(title, date) for title, date in meetings.values_list("title", "date")[:RECENT_MEETINGS]]


class LedgerFilterForm(forms.Form):
    """The ledger's GET parameters. Unknown codes and bad dates become field errors."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Words in the title or description")}))
    unit = forms.ChoiceField( label=_("Lead unit (and below)"), required=False, widget=UnitSelect,
                             error_messages={"invalid_choice": _("There is no unit with the code %(value)s.")})
    status = forms.ChoiceField( label=_("Status"), required=False,
                               choices=[("", _("any status")), (WORKING_FILTER, _("at work (with a light)")),
                                        *Status.choices],
                               error_messages={"invalid_choice": _("%(value)s is not a task status.")})
    light = forms.ChoiceField( label=_("Light"), required=False,
                              choices=[("", _("any light")), *(c for c in Task.Light.choices if c[0])],
                              error_messages={"invalid_choice": _("%(value)s is not a light (red, amber or green).")})
    area = forms.ChoiceField( label=_("Priority area"), required=False,
                             error_messages={"invalid_choice": _("There is no priority area with the code %(value)s.")})
    # Not a list of every meeting (there are thousands): the name or date typed, with the
    # latest meetings suggested; other pages link here with ?meeting=<number>.
    meeting = forms.CharField(label=_("Meeting"), required=False, max_length=320,
                              widget=forms.TextInput(attrs={
                                  "list": "ledger-meetings", "autocomplete": "off",
                                  "placeholder": _("Name or date of the meeting"),
                                  # web/pickers.js makes it a combobox that asks the same URL.
                                  "data-picker": "meeting", "data-suggest-url": reverse_lazy("ledger_meetings"),
                                  "data-no-results": _("No meeting has this name, date or these initials."),
                                  "data-create-label": _("Look for"),
                                  # As one types, the suggestions come from every meeting, not only the latest.
                                  "hx-get": reverse_lazy("ledger_meetings"), "hx-trigger": "input changed delay:300ms",
                                  "hx-target": "#ledger-meetings", "hx-swap": "outerHTML", "hx-sync": "this:replace"}))
    source = forms.ChoiceField(label=_("Source"), required=False,
                               choices=[("", _("any source")), *Task.Source.choices],
                               error_messages={"invalid_choice": _("%(value)s is not a source (meeting, instruction "
                                                                   "or ledger).")})
    deadline_from = forms.DateField(label=_("Due from"), required=False, input_formats=ISO_DATE, widget=DateInput(),
                                    error_messages={"invalid": _("Write the date as YYYY-MM-DD.")})
    deadline_to = forms.DateField(label=_("Due by"), required=False, input_formats=ISO_DATE, widget=DateInput(),
                                  error_messages={"invalid": _("Write the date as YYYY-MM-DD.")})
    sort = forms.ChoiceField( label=_("Order"), required=False, choices=list(SORT_LABELS.items()),
                             error_messages={"invalid_choice": _("The ledger cannot be ordered by %(value)s.")})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # Rows, not model instances: every ledger page lists every unit and area. The one
        # chosen becomes a model in query().
        english = (get_language() or "").startswith("en")
        self.units = {row[1]: row for row in Unit.objects.values_list(*UNIT_FIELDS)}
        self.areas = {row[1]: row for row in PriorityArea.objects.values_list(*AREA_FIELDS)}
        rows = tree_sorted(self.units.values(), entry=lambda row: (row[4], row[2], row[3]))
        cast(forms.ChoiceField, self.fields["unit"]).choices = [("", _("all units"))] + [
            (code, indented(path, name_en if english else name_zh)) for _pk, code, name_zh, name_en, path in rows]
        cast(UnitSelect, self.fields["unit"].widget).names_zh = {row[1]: row[2] for row in rows}
        cast(forms.ChoiceField, self.fields["area"]).choices = [("", _("all areas"))] + [
            (code, name_en if english else name_zh) for _pk, code, name_zh, name_en in self.areas.values()]

    def clean_meeting(self) -> Meeting | None:
        """A meeting by its number (the links of other pages), its "date · title" (the
        suggestions), or a unique part of its title or its date (what people type)."""
        value = " ".join(self.cleaned_data["meeting"].split())
        if not value:
            return None
        meetings = Meeting.objects.only("title", "date")
        if value.isascii() and value.isdigit():
            meeting = meetings.filter(pk=int(value)).first() if len(value) <= 12 else None
            if meeting is None:
                raise ValidationError(_("There is no meeting number %(value)s."), params={"value": value})
            return self._shown_as_chosen(meeting)
        labelled = LABELLED.match(value)
        if labelled:
            try:
                day = dt.date.fromisoformat(labelled.group(1))
            except ValueError:
                day = None
            found = list(meetings.filter(date=day, title=labelled.group(2))[:MATCHES_SHOWN]) if day else []
        else:
            try:
                found = list(meetings.filter(date=dt.date.fromisoformat(value))[:MATCHES_SHOWN])
            except ValueError:
                found = list(meetings.filter(title__icontains=value).order_by("-date", "-id")[:MATCHES_SHOWN])
        if not found:
            raise ValidationError(_("No meeting is named or dated “%(value)s”."), params={"value": value})
        if len(found) > 1:
            raise ValidationError(
                _("Several meetings match “%(value)s”: %(meetings)s. Choose one from the list or type more of its name."),
                params={"value": value, "meetings": "; ".join(meeting_label(m) for m in found)})
        return self._shown_as_chosen(found[0])

    def _shown_as_chosen(self, meeting: Meeting) -> Meeting:
        """The field shows the meeting's date and title, whatever was typed or linked."""
        data = cast(QueryDict, self.data).copy()  # a form bound to request.GET
        data["meeting"] = meeting_label(meeting)
        self.data = data
        return meeting

    def uses_more_filters(self) -> bool:
        """Whether a filter beyond the first row is set (the page then shows them open)."""
        names = ("status", "area", "meeting", "source", "deadline_from", "deadline_to")
        return any(self.data.get(name) for name in names) or self.data.get("sort", "deadline") != "deadline"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("deadline_from"), data.get("deadline_to")
        if start and end and start > end:
            raise ValidationError(_("“Due from” is after “Due by”: no task can match."))
        return data

    def query(self) -> LedgerQuery:
        """The validated filters; call after is_valid()."""
        data = self.cleaned_data
        query = LedgerQuery(
            unit=_chosen(Unit, UNIT_FIELDS, self.units, data["unit"]), status=data["status"], light=data["light"],
            area=_chosen(PriorityArea, AREA_FIELDS, self.areas, data["area"]), meeting=data["meeting"],
            source=data["source"], deadline_from=data["deadline_from"], deadline_to=data["deadline_to"],
            q=data["q"].strip(), sort=data["sort"] or "deadline",
        )
        for name in ("q", "unit", "status", "light", "area", "meeting", "source", "deadline_from", "deadline_to"):
            if data.get(name):
                field = self.fields[name]
                value = dict(field.choices).get(data[name], data[name]) if hasattr(field, "choices") else data[name]
                if isinstance(value, Meeting):
                    value = meeting_label(value)
                text = value.isoformat() if isinstance(value, dt.date) else str(value).strip("\u3000")
                query.applied.append((str(field.label), text))
        return query


# --- uploads ----------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; the service checks their types and sizes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        accept = ",".join(sorted(ALLOWED_EVIDENCE_EXTENSIONS))
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items if item]


def evidence_help() -> str:
    types = " ".join(sorted(ext.lstrip(".") for ext in ALLOWED_EVIDENCE_EXTENSIONS))
    return str(_("You may choose several files, each up to %(mb)s MB. Accepted types: %(types)s.")
               % {"mb": settings.LUOSHI_MAX_UPLOAD_MB, "types": types})


# --- actions on one task ----------------------------------------------------------------------


class TaskForm(forms.Form):
    """Every action form knows the task it acts on and who acts."""

    def __init__(self, *args: Any, task: Task, user: Any, **kwargs: Any) -> None:
        self.task, self.user = task, user
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class VersionedForm(TaskForm):
    """Carries the version the user saw, passed to the service as expected_version."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.task.version


def _units() -> QuerySet[Unit]:
    return Unit.objects.only("code", "name_zh", "name_en", "path")


class AssignForm(VersionedForm):
    lead_unit = UnitChoiceField(label=_("Lead unit"), queryset=Unit.objects.none())
    cooperating_units = UnitsChoiceField(
        label=_("Cooperating units"), required=False, queryset=Unit.objects.none(),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
        widget=UnitSelectMultiple(attrs={"size": 6}),
    )
    person_responsible = forms.CharField(label=_("Person responsible"), required=False, max_length=100)
    deadline = forms.DateField(label=_("Deadline"), input_formats=ISO_DATE, widget=DateInput())
    cadence = forms.ChoiceField(label=_("Reporting cadence"), required=False, choices=Task.Cadence.choices)
    nodes = forms.ChoiceField(label=_("Feedback nodes"), required=False,
                              help_text=_("Milestones to add, counted in working days from today."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "nodes", forms.ChoiceField).choices = [("", _("none"))] + [
            (key, template.label) for key, template in node_templates().items()]
        field_of(self, "lead_unit", forms.ModelChoiceField).queryset = _units()
        field_of(self, "cooperating_units", forms.ModelChoiceField).queryset = _units()
        if not self.is_bound:
            task = self.task
            self.initial.update(lead_unit=task.lead_unit_id, person_responsible=task.person_responsible,
                                deadline=task.deadline, cadence=task.cadence,
                                cooperating_units=[u.pk for u in task.cooperating_units.all()])


class EmptyForm(VersionedForm):
    """Sign for, resume: nothing to fill in but the version seen."""


class ReportForm(VersionedForm):
    text = forms.CharField(label=_("What has been done"), widget=forms.Textarea(attrs={"rows": 4}))
    progress = forms.IntegerField(label=_("Progress %"), min_value=0, max_value=100)
    period = forms.CharField(label=_("Period"), required=False, max_length=20,
                             help_text=_("For example 2024-05 or 2024-Q2."))
    # On a phone the camera opens for a photo; other evidence (PDF, Word, …) goes in `files`.
    # The photos are evidence files like the others: the service checks them the same way.
    photos = MultipleFileField(label=_("Photo from the camera"), required=False, help_text=_(
        "On a phone this opens the camera; elsewhere it chooses images."),
        widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}))
    files = MultipleFileField(label=_("Evidence files"), required=False)  # type: ignore[assignment]  # django-stubs types Form.files as the upload dict

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = evidence_help()
        if self.user is not None and not has_lead_access(self.user, self.task):
            # A cooperating unit files its share; the task's progress is the lead unit's to report.
            del self.fields["progress"]
            self.fields["text"].label = _("Your unit's share of the work")
        elif self.user is not None:
            # An optional actual for each of the task's outcome indicators, dated today.
            for indicator in Indicator.objects.filter(task=self.task).order_by("pk"):
                label = indicator.name + (f" ({indicator.measure})" if indicator.measure else "")
                self.fields[f"actual_{indicator.pk}"] = forms.DecimalField(
                    label=label, required=False, max_digits=18, decimal_places=4,
                    help_text=_("The actual today (optional)."))
        if not self.is_bound:
            self.initial["progress"] = self.task.progress
            if self.user is not None and has_lead_access(self.user, self.task):
                # The cooperating units' share since the lead's last report, to fold into this one.
                shares = contributions_since_lead_report(self.task)
                if shares:
                    self.initial["text"] = "\n".join(
                        _("[%(unit)s] %(text)s") % {"unit": share.unit, "text": share.text} for share in shares) + "\n"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["files"] = [*data.get("photos", []), *data.get("files", [])]
        if "progress" not in self.fields:
            data["progress"] = self.task.progress
        return data

    def actuals(self) -> dict[int, Any]:
        """indicator id → the actual given (the fields left empty are left out)."""
        return {int(name.removeprefix("actual_")): value for name, value in self.cleaned_data.items()
                if name.startswith("actual_") and value is not None}


class CompletionForm(VersionedForm):
    text = forms.CharField(label=_("Summary of the work done"), widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(label=_("Evidence files"), required=False)  # type: ignore[assignment]  # django-stubs types Form.files as the upload dict

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = evidence_help()


class ApproveForm(VersionedForm):
    grade = forms.ChoiceField(label=_("Grade"), choices=Task.Grade.choices, widget=forms.RadioSelect,
                              help_text=_("The grade counts in the lead unit's score; the public portal shows only "
                                          "that the task is closed."))
    note = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Required when the work is graded fail."))


class ReasonForm(VersionedForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class TextForm(TaskForm):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}))


class EscalateForm(TaskForm):
    level = forms.TypedChoiceField(label=_("Level"), coerce=int, choices=Escalation.Level.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class EditForm(VersionedForm):
    title = forms.CharField(label=_("Short title"), max_length=200,
                            help_text=_("The name in the ledger and lists, best under 80 characters; the "
                                        "directive's full sentence stays on the task page."))
    deadline = forms.DateField(label=_("Deadline"), required=False, input_formats=ISO_DATE, widget=DateInput())
    person_responsible = forms.CharField(label=_("Person responsible"), required=False, max_length=100)
    cooperating_units = UnitsChoiceField(
        label=_("Cooperating units"), required=False, queryset=Unit.objects.none(),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
        widget=UnitSelectMultiple(attrs={"size": 6}),
    )
    public = forms.BooleanField(label=_("Show on the public portal"), required=False)
    blocked = forms.BooleanField(label=_("Blocked (shows red until cleared)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "cooperating_units", forms.ModelChoiceField).queryset = _units()
        task = self.task
        # Initial values even when bound: changed_data compares against them.
        self.initial.update(title=task.title, deadline=task.deadline, person_responsible=task.person_responsible,
                            public=task.public, blocked=task.blocked,
                            cooperating_units=[u.pk for u in task.cooperating_units.all()])

    def changes(self) -> dict[str, Any]:
        """Only what the user changed, so the audit trail records just that."""
        return {name: self.cleaned_data[name] for name in self.changed_data if name != "version"}


class SubTaskForm(forms.Form):
    lead_unit = UnitChoiceField(label=_("Sub-unit"), queryset=Unit.objects.none())
    title = forms.CharField(label=_("Title"), max_length=500)
    deadline = forms.DateField(label=_("Deadline"), required=False, input_formats=ISO_DATE, widget=DateInput(),
                               help_text=_("Empty: the parent's deadline."))
    weight = forms.IntegerField(label=_("Weight"), min_value=1, initial=1)

    def __init__(self, *args: Any, units: QuerySet[Unit], unit_list: list[Unit] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        lead_unit = field_of(self, "lead_unit", UnitChoiceField)
        lead_unit.queryset = units
        lead_unit.unit_list = unit_list  # shown; the queryset validates


SubTaskFormSet = forms.formset_factory(SubTaskForm, extra=3, max_num=20, absolute_max=50)


class DecomposeForm(VersionedForm):
    """The version, plus a formset of sub-tasks (blank rows are ignored)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        task, user = self.task, self.user
        units = _units() if is_supervisor(user) else task.lead_unit.subtree().only("code", "name_zh", "name_en", "path")
        data = self.data if self.is_bound else None
        # Every row lists the same units: read them once for all the rows.
        self.parts = SubTaskFormSet(data, prefix="parts", form_kwargs={"units": units, "unit_list": tree_sorted(units)})

    def is_valid(self) -> bool:
        valid = super().is_valid() and self.parts.is_valid()
        if valid and not any(form.has_changed() for form in self.parts):
            self.add_error(None, _("Name at least one sub-task."))
            return False
        return valid

    def sub_tasks(self) -> list[dict[str, Any]]:
        return [form.cleaned_data for form in self.parts if form.has_changed() and form.cleaned_data]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("return", _("Return"))])
    note = forms.CharField(label=_("Reason for returning (or a note)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
