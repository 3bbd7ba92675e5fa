"""The staff page that imports a REFI-QDA codebook from an upload."""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from annotations.refi.documents import RefiError
from annotations.refi.forms import CodebookUploadForm
from annotations.refi.import_ import codebook_import


@require_http_methods(["GET", "POST"])
def codebook_import_view(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.is_staff:
        context = {"title": "Not allowed", "status": 403,
                   "message": "Only staff may import a codebook."}
        return render(request, "error.html", context, status=403)
    posted = request.method == "POST"
    form = CodebookUploadForm(request.POST, request.FILES) if posted else CodebookUploadForm()
    result = None
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = codebook_import(data=upload.read(), name=upload.name)
        except RefiError as error:
            form.add_error("file", str(error))
    status = 400 if form.errors else 200
    return render(request, "annotations/refi/codebook_import.html",
                  {"form": form, "result": result}, status=status)
