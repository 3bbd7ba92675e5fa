from annotations.refi.commands import RefiImportCommand
from annotations.refi.import_ import project_import

QUOTE_SHOWN = 60


class Command(RefiImportCommand):
    help = ("Import the codings of a REFI-QDA project (.qdpx) made on this corpus's texts in "
            "another tool: its codebook, its users (new ones become researchers without a "
            "usable password) and every coding, placed by its quote; what cannot be placed "
            "is kept as an orphan. Importing the same file again duplicates nothing.")

    def import_file(self, *, data: bytes, name: str) -> None:
        result = project_import(data=data, name=name)
        self.stdout.write(
            f"Themes created: {len(result.codebook.created)}; users created: "
            f"{len(result.users_created)}; tags created: {result.tags_created} "
            f"({len(result.orphans)} as orphans); already present: {result.tags_existing}."
        )
        for orphan in result.orphans:
            quote = orphan.quote[:QUOTE_SHOWN] + ("…" if len(orphan.quote) > QUOTE_SHOWN else "")
            self.stdout.write(f"  orphan in {orphan.source} ({orphan.theme}): “{quote}”")
        for message in result.skipped:
            self.stderr.write(f"  skipped: {message}")
