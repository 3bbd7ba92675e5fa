from django import forms

# A codebook of thousands of codes is well under a megabyte; a project with its texts,
# a few. Larger uploads are refused before they are parsed.
UPLOAD_MAX_BYTES = 20 * 1024 * 1024


class CodebookUploadForm(forms.Form):
    file = forms.FileField(
        label="REFI-QDA file",
        help_text="A codebook (.qdc) or a project (.qdpx), as NVivo, ATLAS.ti, MAXQDA or "
        "QualCoder export them.",
        error_messages={"required": "Choose a file to import."},
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is too large ({file.size // 1024 // 1024} MB; at most "
                f"{UPLOAD_MAX_BYTES // 1024 // 1024} MB)."
            )
        return file
