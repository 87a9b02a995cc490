"""Account administration under 三员分立: the system administrator creates accounts, the
security administrator grants roles; neither reads the audit log."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_POST

from kechuang.audit.services import record_event
from kechuang.core.perms import check_perm
from kechuang.core.scoping import get_for_user, restrict

from .forms import RoleForm, TokenForm, UserCreateForm
from .models import APIToken, User
from .services import (
    grant_role,
    issue_password_reset,
    issue_token,
    password_changed,
    revoke_role,
    revoke_token,
    set_active,
)


@login_required
def user_list(request):
    users = restrict(User.objects.select_related("unit").prefetch_related("role_assignments"), request.user)
    check_perm(request.user, "accounts.list_users")
    return render(request, "accounts/user_list.html", {"users": users, "role_form": RoleForm()})


@login_required
def user_create(request):
    check_perm(request.user, "accounts.manage_account")
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save(commit=False)
            user.set_password(form.cleaned_data["password"])
            user.password_changed_at = timezone.now()
            user.save()
            record_event("account.create", obj=user)
        messages.success(request, f"已创建账号 {user.username}；角色由安全管理员分配。")
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form})


@login_required
@require_POST
def user_roles(request, pk):
    check_perm(request.user, "accounts.assign_role")
    target = get_for_user(User.objects.all(), request.user, "roles", pk=pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "角色参数无效")
        return redirect("accounts:user_list")
    try:
        if form.cleaned_data["action"] == "grant":
            grant_role(target, form.cleaned_data["role"], by=request.user, request=request)
        else:
            revoke_role(target, form.cleaned_data["role"], by=request.user, request=request)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(exc.messages) if hasattr(exc, "messages") else str(exc))
    else:
        messages.success(request, "角色已更新")
    return redirect("accounts:user_list")


def _account_for_sysadmin(request, pk) -> User:
    check_perm(request.user, "accounts.manage_account")
    return get_for_user(User.objects.all(), request.user, "change", pk=pk)


@login_required
@require_POST
def user_reset_link(request, pk):
    """The system administrator issues a one-time reset link; the password itself is never set by them."""
    target = _account_for_sysadmin(request, pk)
    try:
        path = issue_password_reset(target, by=request.user, request=request)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("accounts:user_list")
    return render(request, "accounts/reset_link.html", {"target": target, "link": request.build_absolute_uri(path)})


@login_required
@require_POST
def user_active(request, pk):
    target = _account_for_sysadmin(request, pk)
    try:
        set_active(target, request.POST.get("active") == "1", by=request.user, request=request)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"账号 {target.username} 已{'启用' if target.is_active else '停用'}")
    return redirect("accounts:user_list")


class OwnPasswordChangeView(auth_views.PasswordChangeView):
    """Every signed-in user changes their own password (and must, after a reset link)."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("web:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        password_changed(self.request.user, request=self.request)
        messages.success(self.request, "密码已修改")
        return response


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    """The one-time link from the system administrator: the account holder chooses the new password."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("login")

    def form_valid(self, form):
        response = super().form_valid(form)
        password_changed(form.user, request=self.request, how="reset")
        messages.success(self.request, "新密码已设置，请登录")
        return response


@login_required
def token_list(request):
    """我的接口令牌: the caller's own tokens; a new key is shown once."""
    new_key = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _, new_key = issue_token(request.user, form.cleaned_data["name"], days=form.cleaned_data["days"],
                                 request=request)
    tokens = APIToken.objects.filter(user=request.user)
    return render(request, "accounts/token_list.html", {"tokens": tokens, "form": form, "new_key": new_key})


@login_required
@require_POST
def token_revoke(request, pk):
    token = APIToken.objects.filter(user=request.user, pk=pk).first()
    if token is None:
        raise Http404
    revoke_token(token, by=request.user, request=request)
    messages.success(request, f"令牌 {token.prefix}… 已撤销")
    return redirect("accounts:token_list")
