"""Import every domain's models so Alembic and the app see the whole schema."""

from lms.api.models import IdempotencyKey
from lms.attendance.models import Attendance, CheckinRequest
from lms.attendance.offline_models import OfflineMark
from lms.audit.models import AuditEntry
from lms.auth.models import ApiToken, User
from lms.certificates.models import Certificate, IssueJob
from lms.courses.models import Cohort, Course, CourseSession, Enrollment, PlanIndicator, Site
from lms.indicators.models import IndicatorEvent
from lms.lti.models import Account as LtiAccount
from lms.lti.models import Context as LtiContext
from lms.lti.models import Deployment as LtiDeployment
from lms.lti.models import LoginState as LtiLoginState
from lms.lti.models import Platform as LtiPlatform
from lms.mail import MailMessage
from lms.people.models import Area, Consent, Person, PersonSensitive, PrivacyNotice
from lms.tabular.jobs import ImportJob
from lms.tasks import TaskRecord
from lms.webhooks.models import WebhookDelivery, WebhookEndpoint

__all__ = [
    "ApiToken",
    "Area",
    "Attendance",
    "AuditEntry",
    "Certificate",
    "CheckinRequest",
    "Cohort",
    "Consent",
    "Course",
    "CourseSession",
    "Enrollment",
    "IdempotencyKey",
    "ImportJob",
    "IndicatorEvent",
    "IssueJob",
    "LtiAccount",
    "LtiContext",
    "LtiDeployment",
    "LtiLoginState",
    "LtiPlatform",
    "MailMessage",
    "OfflineMark",
    "Person",
    "PersonSensitive",
    "PlanIndicator",
    "PrivacyNotice",
    "Site",
    "WebhookDelivery",
    "WebhookEndpoint",
    "TaskRecord",
    "User",
]
