from annotations.refi.commands import RefiImportCommand
from annotations.refi.import_ import codebook_import


class Command(RefiImportCommand):
    help = ("Import a REFI-QDA codebook (.qdc, or the codebook inside a .qdpx): themes with "
            "their hierarchy, colours and descriptions. Themes already here are kept as they "
            "are; importing the same file again changes nothing.")

    def import_file(self, *, data: bytes, name: str) -> None:
        result = codebook_import(data=data, name=name)
        self.stdout.write(f"Themes created: {len(result.created)}; "
                          f"already in the codebook: {result.matched}.")
