from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.notifications import targets
from luoshi.notifications.models import WebhookEndpoint
from luoshi.units.models import Unit


class PreferenceForm(forms.Form):
    label_suffix = ""
    email = forms.BooleanField(label=_("Send me an e-mail as well"), required=False,
                               help_text=_("To the address in your account."))
    webhook = forms.BooleanField(label=_("Mention me in the group chat (WeCom, DingTalk, Feishu)"), required=False,
                                 help_text=_("Where the system administrator has connected a group robot."))
    work_app = forms.BooleanField(label=_("Send me a work notification in WeCom, DingTalk or Feishu"), required=False,
                                  help_text=_("To the platform ids on your contact page, where Luoshi is connected "
                                              "to that platform."))
    sms = forms.BooleanField(label=_("Send me an SMS for urgent news"), required=False,
                             help_text=_("To your mobile number, a few times a day at most, where SMS is set up."))


class EndpointForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=WebhookEndpoint.Kind.choices)
    url = forms.URLField(label=_("Webhook URL"), max_length=500, assume_scheme="https")
    secret = forms.CharField(label=_("Signing secret"), max_length=200, required=False,
                             widget=forms.PasswordInput(render_value=False),
                             help_text=_("Required for DingTalk and Feishu robots; optional for a generic endpoint "
                                         "(then signed with X-Luoshi-Signature); WeCom robots are not signed."))
    unit = forms.ModelChoiceField(label=_("Only tasks led by this unit or below"), queryset=Unit.objects.all(),
                                  required=False, empty_label=_("All tasks"))

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        try:
            targets.check_on_save(url)
        except targets.UnsafeTarget as error:
            raise forms.ValidationError(str(error), code="unsafe") from None
        return url
