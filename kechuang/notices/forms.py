from django import forms

from .channels import check_template
from .models import Channel, ChannelKind, NoticeKind


class ChannelForm(forms.ModelForm):
    """The office's channel settings; checks the fields each kind needs, so a bad channel is refused here."""

    kinds = forms.MultipleChoiceField(label="通知类型", choices=NoticeKind.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple, help_text="不选表示全部类型")

    url = forms.URLField(label="接口地址", required=False, max_length=500, assume_scheme="https",
                         help_text="群机器人 Webhook 地址或短信网关地址；电子邮件不填")

    class Meta:
        model = Channel
        fields = ["kind", "name", "plan", "unit", "url", "secret", "template", "recipients", "kinds", "enabled"]
        widgets = {"template": forms.Textarea(attrs={"rows": 3}), "recipients": forms.Textarea(attrs={"rows": 2}),
                   "secret": forms.PasswordInput(render_value=True)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The model's own foreign keys give the querysets: notices sits below plans and imports neither app.
        self.fields["plan"].queryset = self.fields["plan"].queryset.order_by("-year", "code")
        self.fields["plan"].empty_label = "全部方案"
        self.fields["unit"].queryset = self.fields["unit"].queryset.filter(is_active=True).order_by("path")
        self.fields["unit"].empty_label = "不限单位（方案内全部通知）"
        for name, field in self.fields.items():
            if name == "enabled":
                field.widget.attrs["class"] = "form-check-input"
            elif name != "kinds":
                select = isinstance(field.widget, forms.Select)
                field.widget.attrs["class"] = "form-select" if select else "form-control"
        if self.instance.pk and self.instance.kinds:
            self.initial["kinds"] = [k for k in self.instance.kinds.split(",") if k]

    def clean_kinds(self):
        return ",".join(self.cleaned_data["kinds"])

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind in (ChannelKind.WECOM, ChannelKind.DINGTALK, ChannelKind.SMS) and not data.get("url"):
            self.add_error("url", "群机器人和短信网关必须填写接口地址")
        if kind == ChannelKind.SMS and data.get("template"):
            problem = check_template(data["template"])
            if problem:
                self.add_error("template", problem)
        return data
