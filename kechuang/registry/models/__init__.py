"""S&T resource registries (科技资源库): enterprises and what they hold, platforms, talents, contracts …

Scoping (``RegistryModel.scope_rule``): the office sees and changes everything; leaders read
everything; departments' reporters/reviewers read every registry row; a town, street or zone
reporter/reviewer reads and changes the rows linked to enterprises in its jurisdiction
(``Enterprise.town``), through the per-model ``town_lookup``. Reference pools (experts,
achievements, training sessions) are readable by every unit user.

Personal data (talents' and experts' ID and phone numbers) is encrypted at rest with Fernet
(key derived from settings.PII_KEY) plus a keyed HMAC for uniqueness and lookup; nothing in
the database holds the plain number.

One module per subject (base, enterprise, platform, talent, cooperation, ip, finance, matching, jobs); every
model and helper is re-exported here, so ``from kechuang.registry.models import …`` and the migrations are
unchanged.
"""

from .base import (
    JURISDICTION_KINDS,
    MONEY,
    PiiMixin,
    RegistryModel,
    decrypt_pii,
    encrypt_pii,
    pii_hash,
    pinyin_initials,
)
from .cooperation import (
    CONTRACT_KINDS,
    AchievementTransfer,
    Commissioner,
    CommissionerLog,
    TechContract,
    UniversityAgreement,
)
from .enterprise import (
    CertificateStatus,
    Enterprise,
    EnterpriseLabel,
    EnterpriseYear,
    HighTechCertificate,
    LabelKind,
    TechSMERegistration,
    add_years,
)
from .finance import Funding, FundingMode, PledgeFinancing
from .ip import PATENT_KINDS, IPTraining, IPTrainingAttendance, Patent
from .jobs import ImportJob, ImportStatus, KeyConflict
from .matching import Achievement, Demand, Expert
from .platform import PLATFORM_KINDS, Level, Platform, RDInstitution
from .talent import TALENT_CATEGORIES, Talent, Team

__all__ = [
    "Achievement",
    "AchievementTransfer",
    "CONTRACT_KINDS",
    "CertificateStatus",
    "Commissioner",
    "CommissionerLog",
    "Demand",
    "Enterprise",
    "EnterpriseLabel",
    "EnterpriseYear",
    "Expert",
    "Funding",
    "FundingMode",
    "HighTechCertificate",
    "IPTraining",
    "IPTrainingAttendance",
    "ImportJob",
    "ImportStatus",
    "JURISDICTION_KINDS",
    "KeyConflict",
    "LabelKind",
    "Level",
    "MONEY",
    "PATENT_KINDS",
    "PLATFORM_KINDS",
    "Patent",
    "PiiMixin",
    "Platform",
    "PledgeFinancing",
    "RDInstitution",
    "RegistryModel",
    "TALENT_CATEGORIES",
    "Talent",
    "Team",
    "TechContract",
    "TechSMERegistration",
    "UniversityAgreement",
    "add_years",
    "decrypt_pii",
    "encrypt_pii",
    "pii_hash",
    "pinyin_initials",
]
