"""The inbox, the channel preferences, and the system administrator's webhook page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from luoshi.accounts.models import User
from luoshi.lib import is_htmx, perform, signed_in
from luoshi.notifications import services, workapps
from luoshi.notifications.forms import EndpointForm, PreferenceForm
from luoshi.notifications.models import Delivery, Notification, WebhookEndpoint

PAGE_SIZE = 50




@require_safe
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    unread_first = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    notes = (Notification.objects.filter(recipient=signed_in(request)).select_related("task")
             .annotate(unread=unread_first).order_by("-unread", "-created_at", "-id"))
    page = Paginator(notes, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@require_POST
@login_required
def mark_one_read(request: HttpRequest, pk: int) -> HttpResponse:
    perform(request, lambda: services.mark_read(signed_in(request), pk))
    if is_htmx(request):
        note = Notification.objects.select_related("task").get(recipient=signed_in(request), pk=pk)
        return render(request, "notifications/_item.html", {"note": note, "oob_badge": True})
    return redirect("notifications")


@require_POST
@login_required
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count, _error = perform(request, lambda: services.mark_read(signed_in(request)))
    if count:
        messages.success(request, _("All notifications are marked read."))
    return redirect("notifications")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    current = services.preference_for(user)
    form = PreferenceForm(request.POST or None, initial={"email": current.email, "webhook": current.webhook,
                                                         "work_app": current.work_app, "sms": current.sms})
    if request.method == "POST" and form.is_valid():
        saved, _error = perform(request, lambda: services.save_preferences(user, **form.cleaned_data))
        if saved is not None:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notification_preferences")
    return render(request, "notifications/preferences.html", {
        "form": form, "has_email": bool(user.email), "has_phone": bool(user.phone),
        "has_platform_id": bool(user.wecom_userid or user.dingtalk_userid or user.feishu_user_id)})


def _require_sysadmin(request: HttpRequest) -> User:
    user = signed_in(request)
    if not services.may_manage_webhooks(user):
        raise Http404
    return user


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def webhooks(request: HttpRequest) -> HttpResponse:
    user = _require_sysadmin(request)
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        endpoint, _error = perform(request, lambda: services.create_endpoint(user, **form.cleaned_data))
        if endpoint is not None:
            messages.success(request, _("The webhook “%(name)s” is connected.") % {"name": endpoint.name})
            return redirect("webhooks")
    state = request.GET.get("state", "")
    deliveries = Delivery.objects.select_related("endpoint", "notification__recipient")
    if state in Delivery.State.values:
        deliveries = deliveries.filter(state=state)
    context = {
        "form": form,
        "endpoints": WebhookEndpoint.objects.select_related("unit"),
        "deliveries": deliveries[:PAGE_SIZE],
        "state": state,
        "states": Delivery.State.choices,
        "failed_count": Delivery.objects.filter(state=Delivery.State.FAILED).count(),
        "channels": [(Delivery.Channel(channel).label, app.configured()) for channel, app in workapps.WORK_APPS.items()]
        + [(Delivery.Channel.SMS.label, workapps.sms_provider().configured())],
    }
    return render(request, "notifications/webhooks.html", context, status=400 if form.errors else 200)


@require_POST
@login_required
def webhook_active(request: HttpRequest, pk: int) -> HttpResponse:
    user = _require_sysadmin(request)
    active = request.POST.get("active") == "true"
    endpoint, _error = perform(request, lambda: services.set_endpoint_active(user, pk, active=active))
    if endpoint is not None:
        text = _("“%(name)s” is on.") if active else _("“%(name)s” is off.")
        messages.success(request, text % {"name": endpoint.name})
    return redirect("webhooks")


@require_POST
@login_required
def delivery_retry(request: HttpRequest, pk: int) -> HttpResponse:
    user = _require_sysadmin(request)
    delivery, _error = perform(request, lambda: services.retry_delivery(user, pk))
    if delivery is not None:
        messages.success(request, _("The message will be sent again."))
    return redirect("webhooks")
