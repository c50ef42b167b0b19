"""Enumerations shared by households and atelier participants."""

from __future__ import annotations

import enum


class Sex(enum.StrEnum):
    FEMALE = "F"
    MALE = "M"
    UNSPECIFIED = "X"


class Kinship(enum.StrEnum):
    REFERENCE = "reference"  # the person the file is opened for
    SPOUSE = "spouse"
    CHILD = "child"
    OTHER = "other"


class ParticipantStatus(enum.StrEnum):
    RSA = "rsa"
    AAH = "aah"
    JOB_SEEKER = "job_seeker"
    RETIRED = "retired"
    OTHER = "other"


class ReferringBody(enum.StrEnum):
    CONSEIL_DEPARTEMENTAL = "conseil_departemental"
    MISSION_LOCALE = "mission_locale"
    CCAS = "ccas"
    FRANCE_TRAVAIL = "france_travail"
    OTHER = "other"
