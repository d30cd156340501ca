"""The scoring engine: the standard file, rates (CJJ 92-2016), rules, county data, scoring and
gap hints. Standard library only, so every adapter (workbook, CLI, batch workers) can use it
without pulling in a spreadsheet library."""

from __future__ import annotations

from . import gaps, words
from .county import (DATA_FILE, WORKBOOK, CountyData, CountyInfo, DataFileError, FieldError, Source,
                     Utility, check_utility, coerce, read_county_file, validate)
from .hints import Hint, describe_plausibility
from .plausibility import Comparison, Plausibility
from .rates import Leakage, RateError, county_leakage, leakage, pressure_correction, ratio
from .rules import describe_rule, higher_better, item_points, lower_better, rate_points
from .scoring import (Assessment, ContentResult, PrerequisiteResult, assess, condition_met,
                      score, verdict_of)
from .standard import (UTILITY_FIELDS, Condition, Content, InputSpec, Prerequisite, Rule, Stage,
                       Standard, StandardError, default_standard, load_standard, parse_standard)

__all__ = [
    "Assessment", "Comparison", "Condition", "Content", "ContentResult", "CountyData", "CountyInfo",
    "DATA_FILE", "DataFileError", "FieldError", "Hint", "InputSpec", "Plausibility", "Source",
    "WORKBOOK", "Leakage", "Prerequisite", "PrerequisiteResult",
    "RateError", "Rule", "Stage", "Standard", "StandardError", "UTILITY_FIELDS", "Utility",
    "assess", "check_utility", "coerce", "condition_met", "county_leakage", "default_standard",
    "describe_plausibility", "describe_rule", "gaps", "higher_better", "item_points", "leakage", "load_standard",
    "lower_better", "parse_standard", "pressure_correction", "rate_points", "ratio",
    "read_county_file", "score", "validate", "verdict_of", "words",
]
