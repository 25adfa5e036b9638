"""Forms of the meeting pages: the list filters, recording a meeting by hand, the readout
review, and a task from a directive.

Unit and priority-area choices are built once per request and handed to every row
(`units=`, `areas=`), so a review of twenty directives costs two queries, not sixty.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from luoshi import lib
from luoshi.extraction import ExtractionInputError
from luoshi.extraction.model import OCRUnavailable
from luoshi.extraction.readers import read_document_report
from luoshi.meetings.models import AgendaItem, Meeting, PriorityArea
from luoshi.tasks.lifecycle import Status
from luoshi.tasks.models import Task
from luoshi.units.models import Unit
from luoshi.units.pickers import tree_sorted
from luoshi.units.widgets import UnitSelect, UnitSelectMultiple

READOUT_EXTENSIONS = (".txt", ".html", ".htm", ".docx", ".pdf", ".ofd", ".png", ".jpg", ".jpeg")
READOUT_MAX_BYTES = 2 * 1024 * 1024


def normalise_newlines(text: str) -> str:
    """Browsers send line breaks as CR LF; spans count characters of the LF text."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


# --- choices shared by the rows -----------------------------------------------------------------


class Choices:
    """The units and priority areas of a page, loaded once."""

    def __init__(self, units: Sequence[Unit] | None = None, areas: Sequence[PriorityArea] | None = None) -> None:
        self.units = tree_sorted(Unit.objects.all() if units is None else units)
        self.areas = list(PriorityArea.objects.all() if areas is None else areas)
        self.unit_by_pk = {str(u.pk): u for u in self.units}
        self.unit_by_code = {u.code: u for u in self.units}
        self.area_by_pk = {str(a.pk): a for a in self.areas}
        # The pickers search the pinyin of the Chinese names (luoshi/units/widgets.py).
        self.names_zh = {pk: unit.name_zh for pk, unit in self.unit_by_pk.items()}

    @staticmethod
    def unit_label(unit: Unit) -> str:
        depth = max(unit.path.count("/") - 3, 0)  # "/LN/SY/SY-HP/" is one below a top-level unit
        return "\u3000" * depth + unit.name

    def unit_choices(self, suggested: Sequence[str] = (), blank: str | Promise | None = None) -> list[Any]:
        """Suggested units first (in the order the engine ranked them), then every unit."""
        choices: list[Any] = [("", blank)] if blank is not None else []
        first = [self.unit_by_code[c] for c in suggested if c in self.unit_by_code]
        if first:
            choices.append((_("Suggested"), [(str(u.pk), u.name) for u in first]))
            choices.append((_("All units"), [(str(u.pk), self.unit_label(u)) for u in self.units]))
        else:
            choices.extend((str(u.pk), self.unit_label(u)) for u in self.units)
        return choices

    def area_choices(self) -> list[tuple[str, str]]:
        return [(str(a.pk), a.name) for a in self.areas]


class _Form(forms.Form):
    """Labels without a trailing colon: they sit above their fields."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class _RowForm(_Form):
    def __init__(self, *args: Any, choices: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices = choices

    def _units(self, name: str) -> list[Unit]:
        return [self.choices.unit_by_pk[pk] for pk in self.cleaned_data.get(name) or [] if pk in self.choices.unit_by_pk]

    def _unit(self, name: str) -> Unit | None:
        return self.choices.unit_by_pk.get(self.cleaned_data.get(name) or "")

    def _areas(self, name: str) -> list[PriorityArea]:
        return [self.choices.area_by_pk[pk] for pk in self.cleaned_data.get(name) or [] if pk in self.choices.area_by_pk]


# --- list -----------------------------------------------------------------------------------------


class MeetingFilterForm(_Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=forms.SearchInput(attrs={"placeholder": _("Title, chair or readout text")}))
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All kinds")), *Meeting.Kind.choices])
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *Meeting.Status.choices])
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError(_("The start date is after the end date."))
        return data


# --- meeting fields ---------------------------------------------------------------------------------


class MeetingFieldsForm(_Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Meeting.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    number = forms.IntegerField(label=_("Number in its series"), required=False, min_value=1,
                                help_text=_("e.g. 12 for the 12th executive meeting"))
    date = forms.DateField(label=_("Date"), required=False, widget=DateInput())
    chair_name = forms.CharField(label=_("Chair"), required=False, max_length=100)
    chair_title = forms.CharField(label=_("Chair's title"), required=False, max_length=300)
    place = forms.CharField(label=_("Place"), required=False, max_length=200)


class NewMeetingForm(MeetingFieldsForm):
    status = forms.ChoiceField(label=_("Status"), choices=Meeting.Status.choices, initial=Meeting.Status.HELD)
    attendees = forms.CharField(label=_("Attendees"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    readout = forms.CharField(label=_("Readout or minutes"), required=False, strip=False,
                              widget=forms.Textarea(attrs={"rows": 6}))

    def clean_readout(self) -> str:
        return normalise_newlines(self.cleaned_data.get("readout") or "")


class EditMeetingForm(MeetingFieldsForm):
    """Correcting a recorded meeting; `version` is the one the form was shown with."""

    attendees = forms.CharField(label=_("Attendees"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class EditAgendaForm(_Form):
    id = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    kind = forms.ChoiceField(label=_("Kind"), choices=AgendaItem.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=500)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False, choices=AgendaItem.Outcome.choices)


EditAgendaFormSet = forms.formset_factory(EditAgendaForm, formset=forms.BaseFormSet, extra=0,
                                          max_num=200, absolute_max=200)


class DeleteMeetingForm(_Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    confirm = forms.BooleanField(
        label=_("Yes, delete this meeting, its agenda, its directives and their draft tasks"),
        error_messages={"required": _("Tick the box to confirm that the meeting is to be deleted.")},
    )


class AgendaRowForm(_Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AgendaItem.Kind.choices, initial=AgendaItem.Kind.OTHER)
    title = forms.CharField(label=_("Title"), required=False, max_length=500)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False, choices=AgendaItem.Outcome.choices)
    span_start = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    span_end = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


class ManualDirectiveForm(_RowForm):
    text = forms.CharField(label=_("Directive"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    agenda_number = forms.IntegerField(label=_("Under agenda item no."), required=False, min_value=1)
    priority_areas = forms.MultipleChoiceField(label=_("Priority areas"), required=False,
                                               widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, choices: Choices, **kwargs: Any) -> None:
        super().__init__(*args, choices=choices, **kwargs)
        cast(forms.ChoiceField, self.fields["priority_areas"]).choices = choices.area_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["priority_areas"] = self._areas("priority_areas")
        return data


class RowFormSet(forms.BaseFormSet):
    """Rows without text are ignored; "DELETE" is shown as "Remove"."""

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")

    def rows(self) -> list[dict[str, Any]]:
        return [form.cleaned_data for form in self.forms if form.cleaned_data]


AgendaFormSet: type[RowFormSet] = forms.formset_factory(  # type: ignore[assignment]  # django-stubs: formset_factory returns type[BaseFormSet], not the formset= class
    AgendaRowForm, formset=RowFormSet, extra=3, max_num=200, absolute_max=200)
ManualDirectiveFormSet: type[RowFormSet] = forms.formset_factory(  # type: ignore[assignment]  # django-stubs: as above
    ManualDirectiveForm, formset=RowFormSet, extra=4, max_num=300, absolute_max=300)


# --- from a readout -----------------------------------------------------------------------------------


class ReadoutForm(_Form):
    """Step 1: the readout, pasted or uploaded."""

    read_warnings: list[str] = []

    text = forms.CharField(label=_("Paste the readout"), required=False, strip=False,
                           widget=forms.Textarea(attrs={"rows": 14}))
    file = forms.FileField(
        label=_("or upload it"), required=False,
        help_text=_("A .txt, .html, .docx, .pdf or .ofd file (or a scan, where OCR is installed) of at most 2 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(READOUT_EXTENSIONS)}),
    )
    published = forms.DateField(
        label=_("Publication date"), required=False, widget=DateInput(),
        help_text=_("Optional: helps date a readout that gives only the month and day."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = normalise_newlines(data.get("text") or "")
        upload = data.get("file")
        if upload and text.strip():
            raise ValidationError(_("Paste the readout or upload a file, not both."))
        if upload:
            text = self._read(upload)
        if not text.strip():
            raise ValidationError(_("Paste the text of the readout or choose a file: there is no text to read."))
        data["readout"] = text
        return data

    def _read(self, upload: Any) -> str:
        name = os.path.basename(upload.name or "")
        extension = os.path.splitext(name)[1].lower()
        if extension == ".doc":
            raise ValidationError(_("%(name)s is a Word 97–2003 .doc file, which cannot be read: save it as "
                                    ".docx or PDF and upload that.") % {"name": name})
        if extension not in READOUT_EXTENSIONS:
            raise ValidationError(_("%(name)s: only .txt, .html, .docx, .pdf and .ofd files (and scans as "
                                    ".png or .jpg) can be read.") % {"name": name})
        if upload.size is None or upload.size > READOUT_MAX_BYTES:
            raise ValidationError(_("%(name)s is larger than 2 MB.") % {"name": name})
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "readout" + extension)
            with open(path, "wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            try:
                report = read_document_report(path)
            except OCRUnavailable:
                raise ValidationError(
                    _("%(name)s is a scan or an image: its text can only be read by OCR, which is not "
                      "installed on this server. Paste the text instead.") % {"name": name}
                ) from None
            except ExtractionInputError:
                raise ValidationError(
                    _("%(name)s could not be read as a readout: it is not a text, web page, Word, PDF or "
                      "OFD file, or it is damaged.") % {"name": name}
                ) from None
        text = report.text
        if "\x00" in text:
            raise ValidationError(_("%(name)s contains binary data, not text.") % {"name": name})
        # Lines OCR was unsure of, for the review page to show.
        self.read_warnings = [w.split(": ", 1)[-1] for w in report.warnings]
        return normalise_newlines(text)


class ReviewMeetingForm(MeetingFieldsForm):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    # A meeting confirmed from a readout is dated: the ledger, the minutes and the stocktake
    # all need it, and a readout may give only the month and day.
    date = forms.DateField(
        label=_("Date"), widget=DateInput(),
        error_messages={"required": _("Enter the meeting's date: the readout does not give a full date "
                                      "(for example, the day and month without the year).")},
    )


class ReviewAgendaForm(AgendaRowForm):
    pass


class ReviewDirectiveForm(_RowForm):
    text = forms.CharField(label=_("Directive"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    span_start = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    span_end = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    suggested = forms.CharField(required=False, max_length=400, widget=forms.HiddenInput)
    # Where the text names the units and the time limit, relative to the text (see
    # extracting.parse_highlights); only for showing them, never trusted for data.
    highlights = forms.CharField(required=False, max_length=400, widget=forms.HiddenInput)
    agenda_number = forms.IntegerField(label=_("Under agenda item no."), required=False, min_value=1,
                                       max_value=200)
    priority_areas = forms.MultipleChoiceField(label=_("Priority areas"), required=False,
                                               widget=forms.CheckboxSelectMultiple)
    lead_unit = forms.ChoiceField(label=_("Lead unit"), required=False, widget=UnitSelect)
    cooperating_units = forms.MultipleChoiceField(label=_("Cooperating units"), required=False,
                                                  widget=UnitSelectMultiple(attrs={"size": 4}))
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())
    # The existing task this directive demands again (checks): attached, it makes no new task.
    attach_to = forms.IntegerField(label=_("Attach to the existing task"), required=False, min_value=1)
    principle_reason = forms.CharField(label=_("Why it stays a principle"), required=False, max_length=500)
    merge = forms.BooleanField(label=_("Merge with the previous one"), required=False)

    def __init__(self, *args: Any, choices: Choices, with_units: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, choices=choices, **kwargs)
        cast(forms.ChoiceField, self.fields["priority_areas"]).choices = choices.area_choices()
        if not with_units:  # only the supervision office turns directives into tasks
            del self.fields["lead_unit"], self.fields["cooperating_units"], self.fields["deadline"]
            del self.fields["attach_to"]
            return
        suggested = [c for c in (self["suggested"].value() or "").split(",") if c]
        cast(forms.ChoiceField, self.fields["lead_unit"]).choices = choices.unit_choices(suggested, blank=_("— no task yet —"))
        cast(forms.ChoiceField, self.fields["cooperating_units"]).choices = choices.unit_choices()
        for name in ("lead_unit", "cooperating_units"):
            cast(UnitSelect, self.fields[name].widget).names_zh = choices.names_zh

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["priority_areas"] = self._areas("priority_areas")
        data["lead_unit"] = self._unit("lead_unit")
        data["cooperating_units"] = self._units("cooperating_units")
        data["attach_to"] = self._attached(data)
        deadline = data.get("deadline")
        if deadline is not None and deadline < lib.today() and not self.data.get(self.add_prefix("DELETE")):
            self.add_error("deadline", _("The deadline %(date)s is in the past.") % {"date": deadline.isoformat()})
        if not (data.get("text") or "").strip() and data["lead_unit"] is not None and not self.data.get(
            self.add_prefix("DELETE")
        ):
            raise ValidationError(_("Write the directive's text, or leave the row empty."))
        return data

    def lead_unit_name(self) -> str:
        """The lead unit the row shows, for its one-line summary ("" when none)."""
        if "lead_unit" not in self.fields:
            return ""
        unit = self.choices.unit_by_pk.get(str(self["lead_unit"].value() or ""))
        return unit.name if unit is not None else ""


    def _attached(self, data: dict[str, Any]) -> Task | None:
        pk = data.get("attach_to")
        if not pk or self.data.get(self.add_prefix("DELETE")):
            return None
        task = Task.objects.filter(pk=pk).exclude(status=Status.CANCELLED).select_related("directive").first()
        if task is None:
            self.add_error("attach_to", _("Task %(n)s does not exist or is cancelled.") % {"n": pk})
            return None
        if data.get("lead_unit") is not None:
            self.add_error("attach_to", _("Attach the directive to task %(n)s or make a new task for a lead "
                                          "unit, not both.") % {"n": pk})
        return task


ReviewAgendaFormSet = forms.formset_factory(ReviewAgendaForm, formset=RowFormSet, extra=1, can_delete=True,
                                            max_num=200, absolute_max=200)
ReviewDirectiveFormSet = forms.formset_factory(ReviewDirectiveForm, formset=RowFormSet, extra=1,
                                               can_delete=True, max_num=300, absolute_max=300)


# --- a task from a directive ------------------------------------------------------------------------


class TaskFromDirectiveForm(_RowForm):
    lead_unit = forms.ChoiceField(label=_("Lead unit"), widget=UnitSelect)
    cooperating_units = forms.MultipleChoiceField(label=_("Cooperating units"), required=False,
                                                  widget=UnitSelectMultiple(attrs={"size": 4}))
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())
    cadence = forms.ChoiceField(label=_("Reporting cadence"), required=False, choices=Task.Cadence.choices)
    person_responsible = forms.CharField(label=_("Person responsible"), required=False, max_length=100)

    def __init__(self, *args: Any, choices: Choices, suggested: Sequence[str] = (),
                 cooperating: Sequence[str] = (), deadline: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, choices=choices, **kwargs)
        cast(forms.ChoiceField, self.fields["lead_unit"]).choices = choices.unit_choices(suggested)
        cast(forms.ChoiceField, self.fields["cooperating_units"]).choices = choices.unit_choices()
        for name in ("lead_unit", "cooperating_units"):
            cast(UnitSelect, self.fields[name].widget).names_zh = choices.names_zh
        first = next((choices.unit_by_code[c] for c in suggested if c in choices.unit_by_code), None)
        if first is not None:
            self.fields["lead_unit"].initial = str(first.pk)
        # What the directive's text names (会同/配合 …, 12月31日前 …), for the officer to check.
        self.fields["cooperating_units"].initial = [
            str(choices.unit_by_code[c].pk) for c in cooperating if c in choices.unit_by_code]
        self.fields["deadline"].initial = deadline

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["lead_unit"] = self._unit("lead_unit")
        data["cooperating_units"] = self._units("cooperating_units")
        if data["lead_unit"] is None and "lead_unit" not in self.errors:
            self.add_error("lead_unit", _("Choose the lead unit."))
        return data
