"""Tongban settings: read from the environment only (see ``.env.example``).

``TONGBAN_ENV=production`` switches on the production guards: no debug, no demo
secrets, no built-in simulators (SMS, face check, payment channels).
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from tongban.config.env import env, env_bool, env_int, env_list, env_secret

BASE_DIR = Path(__file__).resolve().parents[3]
VAR_DIR = Path(env("TONGBAN_VAR_DIR", str(BASE_DIR / "var")))

TONGBAN_ENV = env("TONGBAN_ENV", "development")
PRODUCTION = TONGBAN_ENV == "production"

# Demo values: fine on a laptop, refused in production (see check at the bottom).
DEMO_SECRET_KEY = "demo-insecure-secret-key-do-not-use-in-production"
DEMO_MASTER_KEY = "demo:00112233445566778899aabbccddeeff"

SECRET_KEY = env_secret("TONGBAN_SECRET_KEY", DEMO_SECRET_KEY)
DEBUG = env_bool("TONGBAN_DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("TONGBAN_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("TONGBAN_CSRF_TRUSTED_ORIGINS")
# The province's seed data (divisions, service items, licence types), read at seed time.
SHARED_DATA_DIR = Path(env("TONGBAN_SHARED_DATA_DIR", str(BASE_DIR.parent / "shared" / "data")))
SITE_URL = env("TONGBAN_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# SM4 master keys for envelope encryption at rest: "kid:32-hex-chars".
# TONGBAN_MASTER_KEY is the active key; TONGBAN_MASTER_KEYS_OLD lists retired keys
# ("kid:hex,kid:hex") that can still decrypt until `tongban keys rotate-master` re-wraps.
MASTER_KEY = env_secret("TONGBAN_MASTER_KEY", DEMO_MASTER_KEY)
MASTER_KEYS_OLD = env_list("TONGBAN_MASTER_KEYS_OLD")

# Unified case number (办件编号); the national format is unconfirmed. Fields: division, date,
# seq (daily sequence per division), check (ISO 7064 MOD 11-2 over what precedes it).
CASE_NUMBER_FORMAT = env("TONGBAN_CASE_NUMBER_FORMAT", "{division}{date:%y%m%d}{seq:07d}{check}")
# Webhooks to department systems: attempts before giving up, timeout (s), https-only targets.
CASES_WEBHOOK_MAX_ATTEMPTS = env_int("TONGBAN_CASES_WEBHOOK_MAX_ATTEMPTS", 6)
CASES_WEBHOOK_TIMEOUT = env_int("TONGBAN_CASES_WEBHOOK_TIMEOUT", 5)
CASES_WEBHOOK_REQUIRE_HTTPS = env_bool("TONGBAN_CASES_WEBHOOK_REQUIRE_HTTPS", PRODUCTION)
# Allow webhook targets on loopback/private networks (development and tests only).
CASES_WEBHOOK_ALLOW_PRIVATE = env_bool("TONGBAN_CASES_WEBHOOK_ALLOW_PRIVATE", not PRODUCTION)

# CJK TrueType font for PDFs (licences, receipts): Debian's fonts-wqy-microhei by default.
PDF_FONT_PATH = env("TONGBAN_PDF_FONT", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")

# 好差评: a bad rating opens a rectification due within this many working days.
RECTIFICATION_WORKING_DAYS = env_int("TONGBAN_RECTIFICATION_WORKING_DAYS", 15)

# Early pilot USCCs that fail the checksum yet were issued (GB 32100 pitfall).
USCC_ALLOWLIST = env_list("TONGBAN_USCC_ALLOWLIST")
# Check-character algorithm of GB/T 36904 licence identifiers (unconfirmed: mod37_36 | mod37_2).
LICENCE_ID_CHECK = env("TONGBAN_LICENCE_ID_CHECK", "mod37_36")

# Built-in simulators for outside parties (SMS gateway, face check...).
SIMULATORS_ENABLED = env_bool("TONGBAN_SIMULATORS", not PRODUCTION)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "oauth2_provider",
    "django_tasks",
    "django_tasks_db",
    "tongban.core",
    "tongban.registries",
    "tongban.identity",
    "tongban.catalog",
    "tongban.licences",
    "tongban.cases",
    "tongban.payments",
    "tongban.sharing",
    "tongban.servicedesk",
    "tongban.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tongban.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tongban.core.middleware.DomainErrorPageMiddleware",
]

ROOT_URLCONF = "tongban.config.urls"
WSGI_APPLICATION = "tongban.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tongban.core.context_processors.platform",
            ],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tongban.sqlite3'}"),
        conn_max_age=env_int("TONGBAN_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the web server and the task worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "identity.User"
AUTHENTICATION_BACKENDS = ["tongban.identity.backends.IdentityBackend"]
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "identity:account"
LOGOUT_REDIRECT_URL = "portal_home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Session hardening.
SESSION_COOKIE_AGE = env_int("TONGBAN_SESSION_AGE", 8 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Reverse proxies (IPs or CIDRs) whose X-Forwarded-For is believed for the client address
# (tongban.core.middleware.client_ip); empty = trust none, REMOTE_ADDR is the client.
TONGBAN_TRUSTED_PROXIES = env_list("TONGBAN_TRUSTED_PROXIES")
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("TONGBAN_HSTS_SECONDS", 31536000)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "src" / "tongban" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(env("TONGBAN_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
# Case materials and other private files: never under MEDIA_ROOT, served only through views
# that check access.
PRIVATE_MEDIA_ROOT = Path(env("TONGBAN_PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
CASE_UPLOAD_MAX_BYTES = env_int("TONGBAN_CASE_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

TASKS = {
    "default": {
        "BACKEND": env("TONGBAN_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# `tongban worker` enqueues these periodically: {"dotted.path.to.task": seconds}.
PERIODIC_TASKS = {
    "tongban.core.tasks.sign_audit_chain_head": 3600,  # signs at most once a day
    "tongban.cases.tasks.retry_webhook_deliveries": 60,
    "tongban.licences.tasks.expire_licences": 3600,
}
WORKER_HEARTBEAT_MAX_AGE = env_int("TONGBAN_WORKER_HEARTBEAT_MAX_AGE", 120)

OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OIDC_RSA_PRIVATE_KEY = env_secret(
    "TONGBAN_OIDC_RSA_PRIVATE_KEY"
)  # PEM; demo key generated if empty

# Login second factor: always | new_device (L2+ accounts on an unknown device) | never
# (a client that requires it still asks). Lockout and rate limits for logins and SMS codes.
TONGBAN_LOGIN_OTP = env("TONGBAN_LOGIN_OTP", "always")
# Staff (公务人员) always log in with password + SMS code; a staff account without a mobile
# is refused. Off in development so the demo staff log in with a password only.
TONGBAN_STAFF_REQUIRE_OTP = env_bool("TONGBAN_STAFF_REQUIRE_OTP", PRODUCTION)
TONGBAN_LOGIN_MAX_FAILURES = env_int("TONGBAN_LOGIN_MAX_FAILURES", 5)
TONGBAN_LOGIN_FAILURE_WINDOW = env_int("TONGBAN_LOGIN_FAILURE_WINDOW", 15 * 60)
TONGBAN_LOGIN_LOCKOUT_SECONDS = env_int("TONGBAN_LOGIN_LOCKOUT_SECONDS", 15 * 60)
TONGBAN_LOGIN_IP_FAILURE_LIMIT = env_int("TONGBAN_LOGIN_IP_FAILURE_LIMIT", 30)
TONGBAN_OTP_TTL = env_int("TONGBAN_OTP_TTL", 300)
TONGBAN_OTP_MAX_ATTEMPTS = env_int("TONGBAN_OTP_MAX_ATTEMPTS", 5)
TONGBAN_OTP_RESEND_SECONDS = env_int("TONGBAN_OTP_RESEND_SECONDS", 60)
TONGBAN_OTP_IP_HOURLY_LIMIT = env_int("TONGBAN_OTP_IP_HOURLY_LIMIT", 20)
TONGBAN_OTP_MOBILE_HOURLY_LIMIT = env_int("TONGBAN_OTP_MOBILE_HOURLY_LIMIT", 10)

# SMS gateway adapter (dotted path); the simulator keeps an outbox for operators.
SMS_BACKEND = env(
    "TONGBAN_SMS_BACKEND", "tongban.identity.sms.SimulatorSmsBackend" if SIMULATORS_ENABLED else ""
)
FACE_CHECK_BACKEND = env(
    "TONGBAN_FACE_CHECK_BACKEND",
    "tongban.identity.facecheck.SimulatorFaceCheck" if SIMULATORS_ENABLED else "",
)
# Face-check simulator outcome: pass | liveness_failed | mismatch (demo and tests only).
FACE_CHECK_SIMULATOR_RESULT = env("TONGBAN_FACE_CHECK_SIMULATOR_RESULT", "pass")

# --- payments (非税支付) -------------------------------------------------------------------------

# Orders, channels, callbacks (P1). Payment code format: {division} 6 digits, {year} 2 digits,
# {seq:0Nd}, {check} = ISO 7064 MOD 11-10 (last). Orders expire after PAYMENTS_ORDER_TTL_HOURS.
PAYMENTS_CODE_FORMAT = env("TONGBAN_PAYMENTS_CODE_FORMAT", "{division}{year}{seq:011d}{check}")
PAYMENTS_ORDER_TTL_HOURS = env_int("TONGBAN_PAYMENTS_ORDER_TTL_HOURS", 24)
PAYMENTS_DEFAULT_BUDGET_ACCOUNT = env("TONGBAN_PAYMENTS_BUDGET_ACCOUNT", "1030499")
# Real channel adapters: "key=dotted.path.Class,..." (keys wechat, alipay, unionpay); with
# simulators on, the built-in simulators fill the keys not listed.
PAYMENTS_CHANNELS = dict(
    item.split("=", 1) for item in env_list("TONGBAN_PAYMENTS_CHANNELS") if "=" in item
)
# Where channels (and the simulators) send callbacks: empty = TONGBAN_SITE_URL.
PAYMENTS_CALLBACK_BASE_URL = env("TONGBAN_PAYMENTS_CALLBACK_BASE_URL")
# HMAC-SM3 key of the simulators' callbacks; empty = derived from SECRET_KEY per channel.
PAYMENTS_SIMULATOR_SECRET = env_secret("TONGBAN_PAYMENTS_SIMULATOR_SECRET")
# Webhooks to department systems on order status changes.
PAYMENTS_WEBHOOK_MAX_ATTEMPTS = env_int("TONGBAN_PAYMENTS_WEBHOOK_MAX_ATTEMPTS", 6)
PAYMENTS_WEBHOOK_TIMEOUT = env_int("TONGBAN_PAYMENTS_WEBHOOK_TIMEOUT", 5)
PAYMENTS_WEBHOOK_REQUIRE_HTTPS = env_bool("TONGBAN_PAYMENTS_WEBHOOK_REQUIRE_HTTPS", PRODUCTION)
PAYMENTS_WEBHOOK_ALLOW_PRIVATE = env_bool("TONGBAN_PAYMENTS_WEBHOOK_ALLOW_PRIVATE", not PRODUCTION)
PERIODIC_TASKS.update(
    {
        "tongban.payments.tasks.expire_orders": 300,
        "tongban.payments.tasks.retry_order_webhooks": 60,
        "tongban.payments.tasks.send_simulated_callbacks": 10,
    }
)

# Finance: refunds and reconciliation (对账). Automatic refunds of late payments start approved
# by the system unless this is on (then one finance officer of the department approves them).
PAYMENTS_AUTO_REFUND_REQUIRES_APPROVAL = env_bool(
    "TONGBAN_PAYMENTS_AUTO_REFUND_REQUIRES_APPROVAL", False
)
# Where the channel simulators write their daily statement files.
PAYMENTS_STATEMENT_DIR = Path(env("TONGBAN_PAYMENTS_STATEMENT_DIR") or VAR_DIR / "statements")
# Demo only (simulators): make the simulated statements disagree with the platform, any of
# missing_at_channel, missing_at_platform, amount_mismatch.
PAYMENTS_STATEMENT_DEMO_DISCREPANCIES = (
    env_list("TONGBAN_PAYMENTS_STATEMENT_DEMO_DISCREPANCIES") if SIMULATORS_ENABLED else []
)
# The reconciliation task reconciles each of the last N days not reconciled yet.
PAYMENTS_RECONCILE_DAYS = env_int("TONGBAN_PAYMENTS_RECONCILE_DAYS", 3)
PERIODIC_TASKS["tongban.payments.tasks_finance.reconcile_statements"] = 3600

# Receipts, 财政电子票据 (P3). 票据代码 = 2-digit province + classification + type + 2-digit
# year; the national code tables are unconfirmed, so classification and type are settings.
PAYMENTS_RECEIPT_CLASSIFICATION = env("TONGBAN_PAYMENTS_RECEIPT_CLASSIFICATION", "06")
PAYMENTS_RECEIPT_TYPE = env("TONGBAN_PAYMENTS_RECEIPT_TYPE", "01")
# Title printed after the province's name on the receipt PDF.
PAYMENTS_RECEIPT_TITLE = env("TONGBAN_PAYMENTS_RECEIPT_TITLE", "非税收入统一票据（电子）")
# Public verification: failed look-ups allowed per client IP within the window (then 429).
PAYMENTS_RECEIPT_VERIFY_MAX_FAILURES = env_int("TONGBAN_PAYMENTS_RECEIPT_VERIFY_MAX_FAILURES", 10)
PAYMENTS_RECEIPT_VERIFY_WINDOW_SECONDS = env_int(
    "TONGBAN_PAYMENTS_RECEIPT_VERIFY_WINDOW_SECONDS", 900
)
PERIODIC_TASKS["tongban.payments.tasks_receipts.issue_missing_receipts"] = 600

# --- data sharing and open data (数据共享与开放) -----------------------------------------------

# Sharing (catalogue, requests, gateway): key of the keyed SM3 digests of the ID numbers in the
# gateway's access log (the citizen's 我的数据使用记录 finds entries by it). Empty: derived from
# SECRET_KEY (then rotating SECRET_KEY hides earlier entries from citizens: set it in production).
SHARING_SUBJECT_KEY = env_secret("TONGBAN_SHARING_SUBJECT_KEY")
# Provider interfaces (resources backed by a provider's HTTP API) may be on private addresses
# (the government extranet); turn off to allow only public hosts.
SHARING_PROVIDER_API_ALLOW_PRIVATE = env_bool("TONGBAN_SHARING_PROVIDER_API_ALLOW_PRIVATE", True)
PERIODIC_TASKS["tongban.sharing.tasks.escalate_overdue_share_requests"] = 3600

# Open data (uploaded datasets, portal, CKAN-compatible API): the largest dataset file accepted
# for import (bytes), the licence id open datasets carry, the row cap of datastore_search.
TONGBAN_DATASET_UPLOAD_MAX_BYTES = env_int("TONGBAN_DATASET_UPLOAD_MAX_BYTES", 200 * 1024 * 1024)
TONGBAN_OPENDATA_LICENCE = env("TONGBAN_OPENDATA_LICENCE", "cc-by-4.0")
TONGBAN_CKAN_ROWS_MAX = env_int("TONGBAN_CKAN_ROWS_MAX", 32000)
PERIODIC_TASKS["tongban.sharing.tasks_opendata.sweep_dataset_imports"] = 600

# Exchange, quality and error reports (交换订阅、数据治理、数据纠错): webhook deliveries of
# changes (https only unless turned off; private addresses refused unless allowed; timeout and
# attempts before a run fails), the most changes one run delivers, the shortest interval a
# subscription may ask for, the rows one quality check reads, and the working days a provider
# has to answer an error report and to correct an accepted one.
SHARING_EXCHANGE_WEBHOOK_REQUIRE_HTTPS = env_bool(
    "TONGBAN_SHARING_EXCHANGE_WEBHOOK_REQUIRE_HTTPS", True
)
SHARING_EXCHANGE_WEBHOOK_ALLOW_PRIVATE = env_bool(
    "TONGBAN_SHARING_EXCHANGE_WEBHOOK_ALLOW_PRIVATE", False
)
SHARING_EXCHANGE_WEBHOOK_TIMEOUT_SECONDS = env_int(
    "TONGBAN_SHARING_EXCHANGE_WEBHOOK_TIMEOUT_SECONDS", 10
)
SHARING_EXCHANGE_MAX_ATTEMPTS = env_int("TONGBAN_SHARING_EXCHANGE_MAX_ATTEMPTS", 6)
SHARING_EXCHANGE_MAX_ROWS_PER_RUN = env_int("TONGBAN_SHARING_EXCHANGE_MAX_ROWS_PER_RUN", 10_000)
SHARING_EXCHANGE_MIN_INTERVAL_MINUTES = env_int("TONGBAN_SHARING_EXCHANGE_MIN_INTERVAL_MINUTES", 5)
SHARING_QUALITY_MAX_ROWS = env_int("TONGBAN_SHARING_QUALITY_MAX_ROWS", 200_000)
SHARING_CORRECTION_ANSWER_WORKING_DAYS = env_int(
    "TONGBAN_SHARING_CORRECTION_ANSWER_WORKING_DAYS", 5
)
SHARING_CORRECTION_FIX_WORKING_DAYS = env_int("TONGBAN_SHARING_CORRECTION_FIX_WORKING_DAYS", 10)
PERIODIC_TASKS["tongban.sharing.tasks_exchange.run_due_exchanges"] = 60
PERIODIC_TASKS["tongban.sharing.tasks_quality.run_quality_checks"] = 86400
PERIODIC_TASKS["tongban.sharing.tasks_quality.escalate_overdue_corrections"] = 3600

# --- service desk (智能客服平台) ------------------------------------------------------------------

# Halls, appointments and the queue (大厅预约、取号、叫号).
# A booking can be cancelled until this many hours before its slot starts.
SERVICEDESK_CANCEL_CUTOFF_HOURS = env_int("TONGBAN_SERVICEDESK_CANCEL_CUTOFF_HOURS", 2)
# Per person: bookings not yet attended (booked or checked in), and bookings made per day.
SERVICEDESK_MAX_ACTIVE_BOOKINGS = env_int("TONGBAN_SERVICEDESK_MAX_ACTIVE_BOOKINGS", 3)
SERVICEDESK_MAX_BOOKINGS_PER_DAY = env_int("TONGBAN_SERVICEDESK_MAX_BOOKINGS_PER_DAY", 5)
# 防恶性预约: this many missed bookings within the window block booking for the period.
SERVICEDESK_NO_SHOW_LIMIT = env_int("TONGBAN_SERVICEDESK_NO_SHOW_LIMIT", 3)
SERVICEDESK_NO_SHOW_WINDOW_DAYS = env_int("TONGBAN_SERVICEDESK_NO_SHOW_WINDOW_DAYS", 30)
SERVICEDESK_NO_SHOW_BLOCK_DAYS = env_int("TONGBAN_SERVICEDESK_NO_SHOW_BLOCK_DAYS", 30)
# Slots are offered (and generated from the templates) this many days ahead.
SERVICEDESK_BOOKING_DAYS_AHEAD = env_int("TONGBAN_SERVICEDESK_BOOKING_DAYS_AHEAD", 14)
# Kiosk check-in from this many minutes before the slot until this many after its end
# (later, the booking counts as missed).
SERVICEDESK_CHECKIN_EARLY_MINUTES = env_int("TONGBAN_SERVICEDESK_CHECKIN_EARLY_MINUTES", 60)
SERVICEDESK_CHECKIN_GRACE_MINUTES = env_int("TONGBAN_SERVICEDESK_CHECKIN_GRACE_MINUTES", 30)
PERIODIC_TASKS.update(
    {
        "tongban.servicedesk.tasks.send_appointment_reminders": 3600,
        "tongban.servicedesk.tasks.mark_missed_appointments": 600,
        "tongban.servicedesk.tasks.generate_hall_slots": 3600,
    }
)
# logistics: the courier adapter (dotted path; the simulator only in demo), its callback
# secret and replay window, and the parcel fees in fen (within the department's city,
# elsewhere in Guangdong, outside the province).
COURIER_BACKEND = env(
    "TONGBAN_COURIER_BACKEND",
    "tongban.servicedesk.couriers.simulator.SimulatorCourier" if SIMULATORS_ENABLED else "",
)
COURIER_SIMULATOR_SECRET = env_secret("TONGBAN_COURIER_SIMULATOR_SECRET") or "demo-courier-secret"
COURIER_CALLBACK_MAX_AGE = env_int("TONGBAN_COURIER_CALLBACK_MAX_AGE", 300)
DELIVERY_FEE_SAME_CITY = env_int("TONGBAN_DELIVERY_FEE_SAME_CITY", 1000)
DELIVERY_FEE_PROVINCE = env_int("TONGBAN_DELIVERY_FEE_PROVINCE", 1200)
DELIVERY_FEE_OTHER = env_int("TONGBAN_DELIVERY_FEE_OTHER", 2000)
# 12345 work orders: time limits in working days by type (urgent orders: the same day),
# spam limits per citizen / IP / mobile, duplicate detection, Open311 GeoReport v2.
WORKORDER_DEADLINE_DAYS = {
    "consultation": env_int("TONGBAN_WORKORDER_DAYS_CONSULTATION", 3),
    "complaint": env_int("TONGBAN_WORKORDER_DAYS_COMPLAINT", 13),
    "suggestion": env_int("TONGBAN_WORKORDER_DAYS_SUGGESTION", 13),
    "help": env_int("TONGBAN_WORKORDER_DAYS_HELP", 5),
}
WORKORDER_RATE_LIMIT = env_int("TONGBAN_WORKORDER_RATE_LIMIT", 5)
WORKORDER_RATE_WINDOW_SECONDS = env_int("TONGBAN_WORKORDER_RATE_WINDOW_SECONDS", 3600)
WORKORDER_DUPLICATE_DAYS = env_int("TONGBAN_WORKORDER_DUPLICATE_DAYS", 7)
WORKORDER_DUPLICATE_PERCENT = env_int("TONGBAN_WORKORDER_DUPLICATE_PERCENT", 50)
OPEN311_API_KEYS = env_list("TONGBAN_OPEN311_API_KEYS")
OPEN311_JURISDICTION_ID = env("TONGBAN_OPEN311_JURISDICTION_ID", "gd.12345.gov.cn")
WORKORDER_DEFAULT_DIVISION = env("TONGBAN_WORKORDER_DEFAULT_DIVISION", "440100")
PERIODIC_TASKS["tongban.servicedesk.tasks_workorders.escalate_overdue_work_orders"] = 900
# Q&A assistant (智能问答): longest question in characters; questions per client IP per
# window (counted in the database, so the limit holds across processes); feedback moves an
# answer's boost by the step, never beyond ±max (a factor 1 ± max on its score).
SERVICEDESK_QA_MAX_QUESTION = env_int("TONGBAN_SERVICEDESK_QA_MAX_QUESTION", 200)
SERVICEDESK_QA_RATE_LIMIT = env_int("TONGBAN_SERVICEDESK_QA_RATE_LIMIT", 30)
SERVICEDESK_QA_RATE_WINDOW = env_int("TONGBAN_SERVICEDESK_QA_RATE_WINDOW", 60)
SERVICEDESK_QA_BOOST_STEP = float(env("TONGBAN_SERVICEDESK_QA_BOOST_STEP", "0.1"))
SERVICEDESK_QA_MAX_BOOST = float(env("TONGBAN_SERVICEDESK_QA_MAX_BOOST", "0.5"))
# The question log is kept this many days (daily purge by the worker).
SERVICEDESK_QA_LOG_DAYS = env_int("TONGBAN_SERVICEDESK_QA_LOG_DAYS", 180)
PERIODIC_TASKS["tongban.servicedesk.tasks_knowledge.purge_answer_logs"] = 86400


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_pii": {"()": "tongban.core.masking.MaskingLogFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_pii"]}},
    "root": {"handlers": ["console"], "level": env("TONGBAN_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

from tongban.config.oidc import OAUTH2_PROVIDER, OIDC_PAIRWISE_SALT  # noqa: E402,F401  (needs the settings above)

if PRODUCTION:
    problems = []
    if DEBUG:
        problems.append("TONGBAN_DEBUG must be off")
    if SECRET_KEY == DEMO_SECRET_KEY:
        problems.append("TONGBAN_SECRET_KEY is the demo value")
    if MASTER_KEY == DEMO_MASTER_KEY:
        problems.append("TONGBAN_MASTER_KEY is the demo value")
    if not OIDC_RSA_PRIVATE_KEY:
        problems.append("TONGBAN_OIDC_RSA_PRIVATE_KEY is not set")
    if not OIDC_PAIRWISE_SALT:
        problems.append("TONGBAN_OIDC_PAIRWISE_SALT is not set")
    if SIMULATORS_ENABLED:
        problems.append("TONGBAN_SIMULATORS must be off")
    if problems:
        raise ImproperlyConfigured("Production settings refused: " + "; ".join(problems))
