"""How well a candidate's qualifications fit a post: the qualification component and its reason.

Declared codes come first; free text is read only when no declared code fits, and scores
below the same code declared (``fuzzy_max_score``). A free text that names a code which may
never fill the post (an ASH "faisant fonction" of AS) is not trusted for that post, nor is
any text of someone who declared such a code.
"""

from __future__ import annotations

from dataclasses import dataclass

from matching.qualifications import ANYONE, PostRule, QualificationRules
from matching.result import Exclusion
from matching.wording import plural

TEXT_SHOWN = 60  # characters of free text quoted back in a reason


@dataclass(frozen=True, slots=True)
class QualificationFit:
    score: float
    reason: str | None
    exclusions: tuple[Exclusion, ...]  # empty when a qualification fits


def post_label(rules: QualificationRules, post: str) -> str:
    return f"le poste « {rules.labels[post]} »"


def assess_qualification(post: str, nurse_on_duty: bool, qualifications, text: str | None,
                         rules: QualificationRules, min_similarity: float, fuzzy_max_score: float) -> QualificationFit:
    """The best way the candidate may fill ``post``, or why none exists."""
    post_rules = rules.rules_for(post)
    failures: list[Exclusion] = []
    best: tuple[float, str] | None = None
    for qualification in qualifications:
        for rule in post_rules:
            if rule.code == qualification.code:
                failure = _unmet_condition(rule, qualification.validated_years, nurse_on_duty, rules)
                if failure:
                    failures.append(failure)
                elif best is None or rule.score > best[0]:
                    best = (rule.score, _with_years(rule, qualification.validated_years, rules))
        never = rules.never_reason(qualification.code, post)
        if never:
            failures.append(Exclusion("qualification_never", never))
    declared_never = any(f.code == "qualification_never" for f in failures)
    if best is None and not declared_never and text and text.strip():
        best = _from_text(post, post_rules, nurse_on_duty, text, rules, min_similarity, fuzzy_max_score, failures)
    anyone = next((rule for rule in post_rules if rule.code == ANYONE), None)
    if anyone is not None and (best is None or anyone.score > best[0]):
        best = (anyone.score, anyone.label)
    if best is not None:
        return QualificationFit(best[0], best[1], ())
    if not failures:
        failures.append(Exclusion("qualification", f"aucune qualification reconnue pour {post_label(rules, post)}"))
    unique = tuple(dict.fromkeys(failures))
    return QualificationFit(0.0, None, unique)


def _with_years(rule: PostRule, validated_years: int | None, rules: QualificationRules) -> str:
    """A student's own validated years follow the table's label, so the manager sees both."""
    if rule.code not in rules.student_codes:
        return rule.label
    years = validated_years or 0
    return f"{rule.label} ; {plural(years, 'année validée', 'années validées')}"


def _unmet_condition(rule: PostRule, validated_years: int | None, nurse_on_duty: bool,
                     rules: QualificationRules) -> Exclusion | None:
    label = rules.labels[rule.code]
    years = validated_years or 0
    if years < rule.min_validated_years:
        needed = plural(rule.min_validated_years, "année validée", "années validées")
        return Exclusion("student_years", f"{label} : {needed} au moins pour ce poste ({years} validée(s))")
    if rule.requires_nurse_on_duty and not nurse_on_duty:
        return Exclusion("nurse_on_duty", f"{label} : seulement si un(e) infirmier(ère) est présent(e) sur le créneau")
    return None


def _from_text(post: str, post_rules, nurse_on_duty: bool, text: str, rules: QualificationRules,
               min_similarity: float, fuzzy_max_score: float, failures: list[Exclusion]) -> tuple[float, str] | None:
    quoted = text.strip()
    quoted = f"« {quoted[:TEXT_SHOWN]}{'…' if len(quoted) > TEXT_SHOWN else ''} »"
    matches = rules.matcher.match(text, min_similarity)
    for match in matches:
        never = rules.never_reason(match.code, post)
        if never:
            failures.append(Exclusion("qualification_never", f"{quoted} lu comme {rules.labels[match.code]} : {never}"))
            return None
    best: tuple[float, str] | None = None
    for match in matches:
        for rule in post_rules:
            if rule.code != match.code:
                continue
            failure = _unmet_condition(rule, None, nurse_on_duty, rules)
            if failure:
                failures.append(Exclusion(failure.code, f"{quoted} : {failure.reason}"))
                continue
            score = round(rule.score * fuzzy_max_score * match.similarity / 100, 3)
            if best is None or score > best[0]:
                best = (score, f"{quoted} lu comme {rules.labels[match.code]} (texte libre, à vérifier)")
    return best
