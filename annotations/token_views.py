"""The logged-in user's API tokens, as a page: list, make (the key shown once), revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from annotations.forms import ApiTokenForm
from annotations.models import ApiToken
from annotations.selectors import api_token_list
from annotations.services import api_token_issue, api_token_revoke


@never_cache
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    issued = None
    if form.is_valid():
        try:
            issued = api_token_issue(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error("name", error.message_dict.get("name", error.messages))
        else:
            form = ApiTokenForm()
    context = {"tokens": api_token_list(user=request.user), "form": form, "issued": issued}
    # The key is in this answer only: it is never stored, so no redirect can show it again.
    return render(request, "annotations/token_list.html", context)


@require_POST
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        api_token_revoke(user=request.user, token_id=pk)
    except ApiToken.DoesNotExist:
        raise Http404("No such token of yours.") from None
    messages.success(request, "The token was revoked: it no longer works.")
    return redirect("annotations:token-list")
