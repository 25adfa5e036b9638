"""The home page, one per role, the leader's instruction form, and the login page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from luoshi.accounts.forms import LoginForm
from luoshi.accounts.models import User
from luoshi.accounts.views import begin_second_step
from luoshi.leaders import portfolio
from luoshi.lib import NotFound, is_htmx, perform, signed_in
from luoshi.tasks import services
from luoshi.tasks.models import Task
from luoshi.tasks.permissions import get_task_for_user
from luoshi.web import dashboards

Role = User.Role

# The administrators' home says what their role does; none of them sees business data.
ADMIN_DUTIES: dict[str, str] = {
    Role.SYSTEM_ADMIN: "sysadmin",
    Role.SECURITY_ADMIN: "secadmin",
    Role.AUDIT_ADMIN: "auditadmin",
}


class InstructionForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Instruction"), max_length=2000, strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Please write the instruction.")},
    )



@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    if user.role == Role.SUPERVISOR:
        board = dashboards.supervisor_dashboard(user)
        return render(request, "web/home_supervisor.html", {
            "board": board, "chart_data": board.chart_data(),
            "yesterday": board.today - dt.timedelta(days=1),
            "week_end": board.today + dt.timedelta(days=6),
        })
    if user.role == Role.LIAISON:
        return render(request, "web/home_liaison.html", {"inbox": dashboards.liaison_inbox(user)})
    if user.role == Role.LEADER:
        return render(request, "web/home_leader.html", {"form": InstructionForm(), **leader_view(request, user)})
    if user.role == Role.SECRETARY:
        return render(request, "web/home_secretary.html", {"meetings": dashboards.recent_meetings()})
    return render(request, "web/home_admin.html", {"duty": ADMIN_DUTIES.get(user.role, "")})


SOURCES = dict(Task.Source.choices)


def leader_view(request: HttpRequest, user: User) -> dict[str, Any]:
    """The leader's stocktake: their own portfolio when they have one, unless they switch to
    everything (?scope=all); of one source when ?source= names one."""
    has_portfolio = portfolio.has_portfolio(user)
    everything = request.GET.get("scope") == "all" or not has_portfolio
    source = request.GET.get("source", "")
    if source not in SOURCES:
        source = ""
    within = None
    if not everything:
        within = portfolio.portfolio_tasks(user, Task.objects.all())
    if source:
        within = (Task.objects.all() if within is None else within).filter(source=source)
    return {"stocktake": dashboards.leader_stocktake(user, within=within), "has_portfolio": has_portfolio,
            "everything": everything, "source": source, "sources": Task.Source.choices,
            "scope": "all" if everything and has_portfolio else ""}


@require_POST
@login_required
def write_instruction(request: HttpRequest, pk: int) -> HttpResponse:
    """A leader writes an instruction on a task from the stocktake; htmx swaps in the answer."""
    user = signed_in(request)
    try:
        task = get_task_for_user(user, pk, action="instruct")
    except NotFound:
        raise Http404 from None
    form = InstructionForm(request.POST)
    instruction = None
    if form.is_valid():
        instruction, _error = perform(request, lambda: services.write_instruction(
            user, task, text=form.cleaned_data["text"]))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    if instruction is not None:
        messages.success(request, _("Your instruction on “%(task)s” was recorded and sent to %(unit)s.")
                         % {"task": task.title[:40], "unit": task.lead_unit})
    if not is_htmx(request):
        return redirect("home")
    # The fragment shows the messages itself; reading them here keeps them off the next page.
    context: dict[str, Any] = {"task": task, "instruction": instruction, "notes": list(messages.get_messages(request)),
                               "form": form if instruction is None else InstructionForm()}
    return render(request, "web/_instruction_form.html", context)


class LoginView(auth_views.LoginView):
    """The login page; on a demo or development server it says where the demo users are.
    Locked usernames are refused (LoginForm); users with TOTP go on to the code step."""

    redirect_authenticated_user = True
    form_class = LoginForm

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if user.has_totp:
            return begin_second_step(self.request, user, self.get_redirect_url())
        return super().form_valid(form)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["demo_hint"] = bool(settings.DEBUG or getattr(settings, "LUOSHI_DEMO", False))
        if settings.LUOSHI_OIDC_ISSUER and settings.LUOSHI_OIDC_CLIENT_ID:
            context["sign_on"] = settings.LUOSHI_OIDC_LABEL or _("single sign-on")
        context["password_for_administrators_only"] = settings.LUOSHI_PASSWORD_LOGIN == "administrators"  # nosec B105 # a setting's value, not a password
        return context
