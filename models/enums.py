"""Every stored state is an English code with the French label users read."""

from models.base import LabelledEnum


class Role(LabelledEnum):
    CANDIDATE = "candidate", "Candidat(e)"
    ESTABLISHMENT = "establishment", "Établissement"
    ARS = "ars", "Agence régionale de santé"
    ADMIN = "admin", "Administrateur(rice)"


class EstablishmentType(LabelledEnum):
    EHPAD = "EHPAD", "EHPAD"
    ESMS_PH = "ESMS_PH", "Établissement ou service pour personnes handicapées"
    HOPITAL = "HOPITAL", "Hôpital"
    SSIAD = "SSIAD", "Service de soins infirmiers à domicile"
    DOMICILE = "DOMICILE", "Aide et accompagnement à domicile"
    AUTRE = "AUTRE", "Autre"


class Sector(LabelledEnum):
    PUBLIC = "public", "Public"
    NON_PROFIT = "non_profit", "Privé non lucratif"
    PRIVATE = "private", "Privé lucratif"


class VerificationStatus(LabelledEnum):
    PENDING = "pending", "En attente de validation"
    VERIFIED = "verified", "Validé"
    REJECTED = "rejected", "Refusé"


class NeedKind(LabelledEnum):
    SHIFT = "shift", "Vacation(s)"
    REPLACEMENT = "replacement", "Remplacement"
    SEASONAL = "seasonal", "Renfort saisonnier"
    CIVIC_SERVICE = "civic_service", "Mission de service civique"
    PEC = "pec", "Contrat PEC"


CONTRACT_KINDS = {NeedKind.REPLACEMENT, NeedKind.SEASONAL, NeedKind.CIVIC_SERVICE, NeedKind.PEC}


class NeedStatus(LabelledEnum):
    DRAFT = "draft", "Brouillon"
    OPEN = "open", "Publié"
    FILLED = "filled", "Pourvu"
    CLOSED = "closed", "Clos"
    CANCELLED = "cancelled", "Annulé"


class ContractType(LabelledEnum):
    VACATION = "vacation", "Vacation"
    CDD = "cdd", "CDD"
    INTERIM = "interim", "Intérim"
    PEC_CAE = "pec_cae", "CUI-CAE (PEC)"
    CIVIC_SERVICE = "civic_service", "Contrat d'engagement de service civique"
    STUDENT_JOB = "student_job", "Contrat étudiant"


class Public(LabelledEnum):
    STUDENT = "student", "Étudiant(e) ou élève"
    PEC = "pec", "Personne en parcours PEC"
    REFUGEE = "refugee", "Personne réfugiée ou protégée"
    CIVIC_SERVICE = "civic_service", "Volontaire en service civique"
    JOB_SEEKER = "job_seeker", "Demandeur(se) d'emploi"
    PROFESSIONAL = "professional", "Professionnel(le)"


class FrenchLevel(LabelledEnum):
    A1 = "A1", "A1 — découverte"
    A2 = "A2", "A2 — intermédiaire"
    B1 = "B1", "B1 — seuil"
    B2 = "B2", "B2 — avancé"
    C1 = "C1", "C1 — autonome"
    C2 = "C2", "C2 — maîtrise"


class WorkDocument(LabelledEnum):
    NATIONAL_ID = "national_id", "Carte d'identité ou passeport (UE/EEE/Suisse)"
    RESIDENCE_CARD = "residence_card", "Titre de séjour autorisant à travailler"
    REFUGEE_RECEIPT = "refugee_receipt", "Récépissé ou attestation de protection"
    WORK_PERMIT = "work_permit", "Autorisation de travail"
    STUDENT_PERMIT = "student_permit", "Titre de séjour étudiant"


class ApplicationState(LabelledEnum):
    APPLIED = "applied", "Candidature envoyée"
    INVITED = "invited", "Invitation reçue"
    ACCEPTED = "accepted", "Acceptée"
    DECLINED = "declined", "Refusée"
    WITHDRAWN = "withdrawn", "Retirée"
    CANCELLED = "cancelled", "Annulée"
    COMPLETED = "completed", "Mission réalisée"
    NO_SHOW = "no_show", "Absence non prévenue"


class AssignmentState(LabelledEnum):
    ACCEPTED = "accepted", "Confirmée"
    WITHDRAWN = "withdrawn", "Retirée par le candidat"
    CANCELLED = "cancelled", "Annulée"
    COMPLETED = "completed", "Réalisée"
    NO_SHOW = "no_show", "Absence non prévenue"


ACTIVE_ASSIGNMENT_STATES = {AssignmentState.ACCEPTED, AssignmentState.COMPLETED, AssignmentState.NO_SHOW}


class ApplicationOrigin(LabelledEnum):
    CANDIDATE = "candidate", "Candidature spontanée"
    INVITATION = "invitation", "Invitation de l'établissement"


class AvailabilityKind(LabelledEnum):
    PERIOD = "period", "Période disponible"
    WEEKLY = "weekly", "Chaque semaine"
    UNAVAILABLE = "unavailable", "Indisponible"


class NotificationStatus(LabelledEnum):
    PENDING = "pending", "En attente"
    SENDING = "sending", "En cours d'envoi"
    SENT = "sent", "Envoyé"
    FAILED = "failed", "Échec définitif"


class PlanIndicator(LabelledEnum):
    PEC = "pec", "Contrats PEC signés"
    CIVIC_SERVICE = "civic_service", "Contrats de service civique"
    REFUGEE = "refugee", "Personnes réfugiées en emploi"
    STUDENT = "student", "Étudiants placés"
