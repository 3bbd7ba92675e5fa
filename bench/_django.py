"""Django set up for a bench script, run as ``python bench/<name>.py`` from anywhere.

Imported first: the project's root goes first on the path (ahead of this folder, whose
``search.py`` would otherwise shadow the search app) and the settings are loaded.
"""

import os
import sys
import warnings
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# WhiteNoise warns that collectstatic has not run; irrelevant to a measurement.
warnings.filterwarnings("ignore", message="No directory at")

django.setup()
