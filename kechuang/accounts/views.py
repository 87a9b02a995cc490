"""Account administration under 三员分立: the system administrator creates accounts, the
security administrator grants roles; neither reads the audit log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kechuang.audit.services import record_event
from kechuang.core.scoping import get_for_user, restrict

from .forms import RoleForm, UserCreateForm
from .models import Role, User
from .services import grant_role, revoke_role


@login_required
def user_list(request):
    users = restrict(User.objects.select_related("unit").prefetch_related("role_assignments"), request.user)
    if not request.user.has_role(Role.SYSADMIN, Role.SECADMIN):
        raise Http404
    return render(request, "accounts/user_list.html", {"users": users, "role_form": RoleForm()})


@login_required
def user_create(request):
    if not request.user.has_role(Role.SYSADMIN):
        raise Http404
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
    if not request.user.has_role(Role.SECADMIN):
        raise Http404
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
