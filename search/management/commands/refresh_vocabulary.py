"""Rebuilds the search's vocabulary ("did you mean") from the loaded passages."""

from django.core.management.base import BaseCommand

from search.services import vocabulary_refresh


class Command(BaseCommand):
    help = "Rebuilds the vocabulary behind the search's spelling suggestions; run after loading."

    def handle(self, *args, **options):
        words = vocabulary_refresh()
        self.stdout.write(f"Vocabulary: {words:,} words.")
