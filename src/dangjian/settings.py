"""Settings: one module, every deployment knob read from an environment variable.

The demo (`dangjian demo`) writes safe local values into `var/demo.env` and loads them; production sets
DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS, FIELD_ENCRYPTION_KEY and DEBUG=false itself.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("DANGJIAN_VAR_DIR") or Path.cwd() / "var")


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    return [item.strip() for item in value.split(",") if item.strip()] if value else default


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc


DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("DANGJIAN_TESTING", False)

# Development-only fallbacks: refused when DEBUG is off, so production never runs on them.
_DEV_SECRET = "dangjian-dev-secret-key-not-for-production-0123456789"
_DEV_FIELD_KEY = "ZGFuZ2ppYW4tZGV2LWZpZWxkLWtleS0wMTIzNDU2Nzg="
SECRET_KEY = os.environ.get("SECRET_KEY") or (_DEV_SECRET if DEBUG or TESTING else "")
FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY") or (_DEV_FIELD_KEY if DEBUG or TESTING else "")
if not SECRET_KEY or not FIELD_ENCRYPTION_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY 和 FIELD_ENCRYPTION_KEY 必须通过环境变量设置 (set them, or DEBUG=true)"
    )

# The keyed hash for exact lookups of ID numbers; defaults to one derived from the oldest encryption key.
FIELD_HASH_KEY = os.environ.get("FIELD_HASH_KEY", "")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", *(["testserver"] if DEBUG or TESTING else [])]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_htmx",
    "template_partials",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "dangjian.core",
    "dangjian.accounts",
    "dangjian.orgs",
    "dangjian.members",
    "dangjian.stats",
    "dangjian.notifications",
    "dangjian.orglife",
    "dangjian.recruitment",
    "dangjian.sites",
    "dangjian.disclosure",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dangjian.core.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "dangjian.core.middleware.AuditContextMiddleware",
]

ROOT_URLCONF = "dangjian.urls"
WSGI_APPLICATION = "dangjian.wsgi.application"

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
                "dangjian.core.context_processors.platform",
            ],
            "builtins": ["django.templatetags.i18n", "django.templatetags.static"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'dangjian.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL and immediate transactions: readers never block the writer, writers queue instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Fast hashing in tests only; Argon2 stays the production hasher (test_settings checks it).
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60  # hours
# Lock the pair (username, address): a wrong password typed elsewhere cannot lock a user out everywhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "dangjian.accounts.lockout.lockout_response"

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", not DEBUG and not TESTING)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Largest file accepted as an attachment to a member's record, in MB.
MEMBER_FILE_MAX_MB = env_int("MEMBER_FILE_MAX_MB", 10)

# API tokens expire after this many days.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 30)

# The deployment's own name for its top organization, shown in the header.
PLATFORM_NAME = os.environ.get("PLATFORM_NAME", "党建通")

# [LOCAL] rule settings (RULES.md marks them as configurable); values are the documented defaults.
DANGJIAN_RULES = {
    # 支部条例 第21条 / 选举条例 第3条: the higher organization reminds ~6 months before a term ends.
    "TERM_REMINDER_MONTHS": env_int("TERM_REMINDER_MONTHS", 6),
    # RULES.md 第95条 [P/U]: a transfer letter's validity in months, its default and its maximum.
    "TRANSFER_VALID_MONTHS": env_int("TRANSFER_VALID_MONTHS", 3),
    "TRANSFER_MAX_MONTHS": env_int("TRANSFER_MAX_MONTHS", 6),
    # RULES.md 第23条 [LOCAL]: how often a branch holds a 党课 — "quarter" (the seed's standard), "month" or "year".
    "LECTURE_PERIOD": os.environ.get("LECTURE_PERIOD", "quarter"),
    # RULES.md 第105条 [P]: yearly study hours of every member, and of secretaries and committee members.
    "STUDY_HOURS_MEMBER": env_int("STUDY_HOURS_MEMBER", 32),
    "STUDY_HOURS_CADRE": env_int("STUDY_HOURS_CADRE", 56),
    # Reminders: how many days before a period ends an unmet meeting is reminded (then warned when missed).
    "MEETING_REMINDER_DAYS": env_int("MEETING_REMINDER_DAYS", 7),
    # 发展党员 (RULES.md D). 第50条 [LOCAL]: candidates are publicly noticed for this many working days.
    "DEVELOPMENT_NOTICE_WORKING_DAYS": env_int("DEVELOPMENT_NOTICE_WORKING_DAYS", 5),
    # Public holidays and adjusted working weekend days (调休), YYYY-MM-DD lists, for counting working days.
    "DEVELOPMENT_HOLIDAYS": env_list("DEVELOPMENT_HOLIDAYS", []),
    "DEVELOPMENT_EXTRA_WORKDAYS": env_list("DEVELOPMENT_EXTRA_WORKDAYS", []),
    # 第40条 [LOCAL]: months from the application before someone may become an activist (0 = national rule).
    "APPLICATION_TO_ACTIVIST_MONTHS": env_int("APPLICATION_TO_ACTIVIST_MONTHS", 0),
    # 第54条 [LOCAL]: a 支部大会 resolution sent up more than N months late is re-deliberated; more than M
    # months late, the procedure is redone from the 支委会 review (0 switches either off).
    "DEVELOPMENT_REDELIBERATE_MONTHS": env_int("DEVELOPMENT_REDELIBERATE_MONTHS", 3),
    "DEVELOPMENT_REDO_MONTHS": env_int("DEVELOPMENT_REDO_MONTHS", 6),
    # Reminders: how many days before a development deadline the branch is reminded (then warned when late).
    "DEVELOPMENT_REMINDER_DAYS": env_int("DEVELOPMENT_REMINDER_DAYS", 7),
}
# 党建示范点 (sites): defaults of a new campaign and the programme's [LOCAL] rules (RULES.md section 0).
DANGJIAN_SITES = {
    # RULES.md 0-7: 基层自评 / 群众测评 / 组织考评 weights (percent, summing to 100), the masses' weight raised.
    "WEIGHT_SELF": env_int("SITES_WEIGHT_SELF", 20),
    "WEIGHT_MASS": env_int("SITES_WEIGHT_MASS", 40),
    "WEIGHT_ORG": env_int("SITES_WEIGHT_ORG", 40),
    # RULES.md 0-7: "五好" asks a mass satisfaction rate of at least 90%.
    "SATISFACTION_THRESHOLD": env_int("SITES_SATISFACTION_THRESHOLD", 90),
    # Answers a satisfaction rate needs before an application can be evaluated.
    "SURVEY_MIN_ANSWERS": env_int("SITES_SURVEY_MIN_ANSWERS", 10),
    # RULES.md 0-8: the result is publicized (公示) for this many working days before designation.
    "NOTICE_WORKING_DAYS": env_int("SITES_NOTICE_WORKING_DAYS", 5),
    # Public holidays and adjusted working weekend days (调休), YYYY-MM-DD lists, for counting working days.
    "HOLIDAYS": env_list("SITES_HOLIDAYS", []),
    "EXTRA_WORKDAYS": env_list("SITES_EXTRA_WORKDAYS", []),
    # RULES.md 0-9: a re-reviewed site scoring below this (of 100) no longer meets the standard.
    "REREVIEW_PASS_SCORE": env_int("SITES_REREVIEW_PASS_SCORE", 80),
    # RULES.md 0-10 末位管理: the bottom N units per domain, or (when > 0) the bottom share in percent.
    "BOTTOM_RANK_COUNT": env_int("SITES_BOTTOM_RANK_COUNT", 1),
    "BOTTOM_RANK_SHARE": env_int("SITES_BOTTOM_RANK_SHARE", 0),
    # Plaque numbers read 〈prefix〉〔year〕县级第001号.
    "PLAQUE_PREFIX": os.environ.get("SITES_PLAQUE_PREFIX", "示范点"),
    # Reminders of plan filing, submission and rectification deadlines start this many days before.
    "REMINDER_DAYS": env_int("SITES_REMINDER_DAYS", 7),
}
# 党务公开栏 (disclosure): limits of the public pages per visitor and hour (0 switches a limit off). Behind a
# reverse proxy, let the server see the visitor's address (waitress: trusted_proxy), or all share one limit.
DANGJIAN_DISCLOSURE = {
    # Objections one visitor may file against one public notice in an hour.
    "OBJECTIONS_PER_HOUR": env_int("DISCLOSURE_OBJECTIONS_PER_HOUR", 5),
    # Wrong or used survey codes one visitor may try in an hour before the survey page refuses them.
    "SURVEY_TRIES_PER_HOUR": env_int("DISCLOSURE_SURVEY_TRIES_PER_HOUR", 30),
}
# Transfer letter numbers read 〈prefix〉〔year〕第0001号, e.g. 旌组转〔2026〕第0001号 (the county's abbreviation).
TRANSFER_LETTER_PREFIX = os.environ.get("TRANSFER_LETTER_PREFIX", "组转")

# Background work (roster imports): django-tasks with its database backend; run `dangjian db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Roster import: files of up to SYNC_ROWS rows are imported during the request, bigger ones in the background.
DANGJIAN_IMPORT = {
    "SYNC_ROWS": env_int("IMPORT_SYNC_ROWS", 2000),
    "MAX_ROWS": env_int("IMPORT_MAX_ROWS", 200_000),
    "MAX_BYTES": env_int("IMPORT_MAX_MB", 50) * 1024 * 1024,
}

# Reminders (notifications): the daily job `dangjian remind` asks every source for reminders, puts them in the
# inbox, then e-mails and texts them. A source is a function collect(today) -> Iterable[Reminder].
DANGJIAN_REMINDER_SOURCES = [
    "dangjian.orglife.reminders.collect",  # meetings due / missed, 组织生活会 and 民主评议 by 1 December
    "dangjian.orgs.reminders.collect",  # leadership terms due / expired / overdue
    "dangjian.recruitment.reminders.collect",  # member development: talks, reviews, approvals, conversions
    "dangjian.sites.reminders.collect",  # demonstration sites: plan filing, submission, rectification deadlines
]
# E-mail by SMTP once EMAIL_HOST is set; until then messages are only written to the console (nothing leaves).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "dangjian@localhost")
# SMS: a dotted path to a class with send(phone, text) raising on failure; the default only logs (masked phone).
SMS_BACKEND = os.environ.get("SMS_BACKEND", "dangjian.notifications.channels.LoggingSmsBackend")
# Which levels of notification are also texted: reminder (提醒), warning (预警), info (通知).
SMS_LEVELS = env_list("SMS_LEVELS", ["reminder", "warning", "info"])
# The address users open the platform at, for links in e-mails (https://dangjian.example.gov.cn).
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
