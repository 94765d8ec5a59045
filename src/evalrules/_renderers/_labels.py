"""Every fixed word the renderers and the command line print, in Chinese and English.

Text that comes from a rubric or a facts document is never here: it is data, rendered as
given (and escaped by the renderer). This table holds only the words around it, keyed by
label and language, so a renderer asks for ``label("score", lang)`` and never spells a
word itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from evalrules._text import Text

__all__ = ["LABELS", "LANGS", "Lang", "check_lang", "label", "method_name"]

#: A language a scorecard is rendered in: ``zh`` (simplified Chinese) or ``en``.
Lang = Literal["zh", "en"]

#: Supported languages: ``zh`` (simplified Chinese, the default) and ``en``.
LANGS: tuple[Lang, ...] = ("zh", "en")


def check_lang(lang: object) -> Lang:
    """``lang`` itself when it is a supported language.

    Raises:
        ValueError: for anything else, naming the supported languages.
    """
    if lang == "zh" or lang == "en":
        return lang
    raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGS)}")


LABELS: Mapping[str, Text] = {
    # scorecard headings
    "scorecard": Text("评分结果", "Scorecard"),
    "rubric": Text("评价方案", "Rubric"),
    "entity": Text("被评对象", "Entity"),
    "version": Text("版本", "Version"),
    "version_inline": Text("版本", "version"),
    "digest": Text("内容摘要", "digest"),
    "generated_by": Text("由 evalrules {version} 计算", "Computed by evalrules {version}"),
    "summary": Text("总体结果", "Summary"),
    "scores": Text("指标得分", "Scores by indicator"),
    "chart": Text("各指标得分率", "Score against max, by indicator"),
    "findings": Text("评价结果明细", "Findings"),
    "no_findings": Text(
        "无扣分、加分或其他评价结果。", "No deductions, bonuses or other findings."
    ),
    "discrepancies": Text("自评分与核定分差异", "Claimed vs computed"),
    "no_discrepancies": Text("自评分与核定分一致。", "Every claimed score agrees."),
    "no_claims": Text("未提供自评分。", "No claimed scores were given."),
    # columns
    "code": Text("代码", "Code"),
    "indicator": Text("指标", "Indicator"),
    "title": Text("名称", "Title"),
    "max": Text("满分", "Max"),
    "score": Text("核定分", "Computed"),
    "claimed": Text("自评分", "Claimed"),
    "computed": Text("核定分", "Computed"),
    "difference": Text("差异", "Difference"),
    "note": Text("说明", "Note"),
    "reason": Text("原因", "Reason"),
    "points": Text("分值", "Points"),
    "rule": Text("评分细则", "Rule"),
    "rules": Text("评分细则", "Rules"),
    "source": Text("来源", "Source"),
    "kind": Text("类型", "Kind"),
    "methods": Text("核查方式", "Methods"),
    "evidence_needed": Text("佐证材料", "Evidence looked at"),
    "reads": Text("读取的数据", "Facts read"),
    "children": Text("下级指标", "Parts"),
    "parent": Text("上级指标", "Part of"),
    "aliases": Text("曾用代码", "Former codes"),
    "plugin": Text("插件", "Plugin"),
    "reference": Text("引用名", "Reference"),
    "distribution": Text("发行包", "Distribution"),
    "hooks": Text("实现的钩子", "Hooks"),
    "builtin": Text("内置", "builtin"),
    "unit": Text("单位", "unit"),
    "type": Text("类型", "type"),
    "optional": Text("选填", "optional"),
    "required_if": Text("当 {fact} 为是时必填", "required if {fact}"),
    # totals and grade
    "total": Text("总分", "Total"),
    "base_total": Text("基础分", "base total"),
    "bonus": Text("加分", "bonus"),
    "grade": Text("等次", "Grade"),
    "base_grade": Text(
        "按总分为{grade},经等次调整", "{grade} by the total, changed by a grade modifier"
    ),
    "vetoes": Text("等次调整", "Grade modifiers"),
    "vetoes.certification": Text("一票否决", "Vetoes"),
    "verdict": Text("认定结论", "Verdict"),
    "verdict.failed": Text("未达到要求", "not met"),
    "verdict.undecided": Text("无法评价", "not assessable"),
    "verdict.inferred": Text(
        "其中{codes}依推定标准判定,须按本省标准复核",
        "{codes} decided by an inferred standard, to be checked against the province's",
    ),
    "verdict.gates": Text("须全部达到", "every one must be met"),
    "verdict.veto": Text("{reason}(一票否决)", "{reason} (a veto)"),
    "none": Text("无", "none"),
    "completeness": Text("完整性", "Completeness"),
    "complete": Text("完整", "complete"),
    "incomplete": Text(
        "不完整:{count}项无法评价(缺少数据)",
        "incomplete: {count} item(s) not assessable (facts missing)",
    ),
    "differs": Text("自评高于核定{difference}分", "claim {difference} above"),
    "claim.reduced": Text("核减{difference}", "{difference} below claim"),
    "claim.raised": Text("核增{difference}", "{difference} above claim"),
    "claim.cohort": Text("待排名核定", "awaits the cohort"),
    "differs_below": Text("自评低于核定{difference}分", "claim {difference} below"),
    # evidence
    "evidence": Text("佐证", "Evidence"),
    "facts": Text("数据", "Facts"),
    "derived": Text("计算数据", "Computed"),
    "evidence.whole_unit": Text("全校", "whole school"),
    "evidence.row_number": Text("第{number}行", "row {number}"),
    "derived_inputs": Text("所据数据", "From"),
    "row_derived": Text("每行计算", "Per row"),
    "derived_of": Text("其中", "Where"),
    "params": Text("参数", "Parameters"),
    "inputs": Text("输入", "inputs"),
    "yes": Text("是", "yes"),
    "no": Text("否", "no"),
    "about": Text("约", "about"),
    # punctuation, which differs between the languages
    "punct.colon": Text(":", ": "),
    "punct.comma": Text(",", ", "),
    "punct.semicolon": Text(";", "; "),
    "punct.enum": Text("、", ", "),
    # sources
    "inferred": Text("推定", "inferred"),
    "unspecified": Text("未注明", "unspecified"),
    "cited": Text("依据", "source"),
    "assumed_data": Text("见数据说明{notes}", "see data note {notes}"),
    "data_notes": Text("数据说明", "Data notes"),
    "data_note": Text("{marker}{note}。涉及的数据项:{facts}", "{marker}{note}. It covers: {facts}"),
    "table_records": Text("{table}明细", "{table} (records)"),
    "assumed_value": Text("非实测值", "not measured"),
    "inferred_standard": Text("依推定标准", "inferred standard"),
    "aggregates": Text("按学校数据计算的指标值", "Values computed from the school records"),
    "aggregates.of": Text(
        "按{noun}数据计算的指标值", "Values computed from the records of the {noun}"
    ),
    "aggregates.intro.of": Text(
        "以下各值由各{noun}明细数据按评价方案的口径计算,无论是否扣分均予列出,可据明细逐项复核。",
        "Each value below is computed from the records of the {noun} as the rubric defines it, "
        "listed whether or not points were lost on it, so that it can be checked against "
        "the records.",
    ),
    "not_computed": Text("未计算", "not computed"),
    "aggregates.intro": Text(
        "以下各值由学校(单位)明细按评价方案的口径计算,不论是否扣分均列出,可据明细逐项复核。",
        "Each value below is computed from the unit-level records as the rubric defines it, "
        "listed whether or not points were lost on it, so that it can be checked against "
        "the records.",
    ),
    "sensitivity": Text("推定依据的敏感性", "Sensitivity to inferred rules"),
    "sensitivity.intro": Text(
        "下列评分项的结论依据推定标准得出;按有据可查的备选依据,结论如下。",
        "These items rest on an inferred standard; under the documented alternative they "
        "would read as follows.",
    ),
    "sensitivity.none": Text(
        "本评价方案的推定规则均未载明备选依据(各推定规则的依据见其来源)。",
        "No inferred rule of this rubric documents an alternative (each one's grounds are in "
        "its source).",
    ),
    "sensitivity.changes": Text(
        "按现行推定标准得{score}分;如按备选依据得{alternative}分,总分为{total}分,等次为{grade}。",
        "scores {score} now; under the alternative {alternative}, a total of {total}, "
        "graded {grade}.",
    ),
    "sensitivity.changes.ungraded": Text(
        "按现行推定标准得{score}分;如按备选依据得{alternative}分,总分为{total}分。",
        "scores {score} now; under the alternative {alternative}, a total of {total}.",
    ),
    "sensitivity.same.ungraded": Text(
        "按现行推定标准得{score}分;如按备选依据,得分不变(总分{total}分)。",
        "scores {score} now; the alternative changes nothing (a total of {total}).",
    ),
    "sensitivity.same": Text(
        "按现行推定标准得{score}分;如按备选依据,得分不变(总分{total}分,等次为{grade})。",
        "scores {score} now; the alternative changes nothing (a total of {total}, graded {grade}).",
    ),
    "provisional": Text(
        "暂定结果:{count}项因缺少数据无法评价,总分和等次为暂定,待补齐数据后重新评价。",
        "Provisional: {count} item(s) could not be assessed for missing facts; the total and "
        "the grade are provisional until the facts are complete.",
    ),
    "provisional_grade": Text("暂定", "provisional"),
    "evaluated_at": Text("评价时间", "Evaluated at"),
    "lost": Text("失{points}分", "{points} lost"),
    "chart.score": Text("得分(占满分比例)", "score, as a share of the max"),
    "chart.short": Text("未得满分", "below the max"),
    "chart.lost": Text("失分", "points lost"),
    "sign.unit": Text("评价单位", "Evaluating office"),
    "sign.evaluator": Text("评价人", "Evaluator"),
    "sign.date": Text("日期", "Date"),
    "source_note": Text("待核", "to be verified"),
    # statuses of a node
    "status.scored": Text("已评分", "scored"),
    "status.not_applicable": Text("不适用", "not applicable"),
    "status.not_assessable": Text("无法评价", "not assessable"),
    # finding kinds
    "kind.deduction": Text("扣分", "Deduction"),
    # a later finding of an item whose deduction an earlier one took: no amount of its own
    "kind.deduction.counted": Text("同项扣分", "Same item"),
    "head.deduction": Text("扣{points}分", "Deduction {points}"),
    "head.bonus": Text("加{points}分", "Bonus +{points}"),
    "head.manual": Text("酌情扣{points}分", "Assessor's judgement {points}"),
    "kind.bonus": Text("加分", "Bonus"),
    "kind.veto": Text("等次调整", "Grade modifier"),
    "kind.veto.certification": Text("一票否决", "Veto"),
    "kind.not_applicable": Text("不适用", "Not applicable"),
    "kind.not_assessable": Text("无法评价", "Not assessable"),
    "kind.manual": Text("酌情扣分", "Assessor's judgement"),
    # veto effects
    "effect.force_fail": Text("一票否决,定为最低等次", "veto: graded as the lowest grade"),
    # ... and on a certification rubric (one with a verdict), which has no grades to set
    "effect.force_fail.certification": Text("不予认定", "not certified"),
    "effect.lower_one": Text("降低等次", "grade lowered one step"),
    "effect.cap_below_top": Text("不得评为最高等次", "capped below the top grade"),
    # derived-fact formulas
    "formula.ratio": Text("比值", "ratio"),
    "formula.share": Text("占比", "share"),
    "formula.per_capita": Text("人均", "per capita"),
    "formula.difference": Text("差值", "difference"),
    "formula.growth": Text("增长率", "growth"),
    "formula.sum": Text("合计", "sum"),
    "formula.per_hundred": Text("每百人", "per hundred"),
    # aggregations over a table's rows, and what their breakdown names
    "formula.count": Text("计数", "count"),
    "formula.share_where": Text("达标占比", "share meeting the condition"),
    "formula.weighted_mean": Text("加权平均", "weighted mean"),
    "formula.cv": Text("差异系数", "coefficient of variation"),
    "formula.min": Text("最小值", "minimum"),
    "formula.max": Text("最大值", "maximum"),
    "aggregate.weight": Text("权数", "weighted by"),
    "breakdown.mean": Text("平均值X̄", "mean X̄"),
    "breakdown.sd": Text("标准差S", "standard deviation S"),
    "breakdown.cv": Text("差异系数CV", "CV"),
    "breakdown.n": Text("学校数n", "rows n"),
    "breakdown.weight_total": Text("权数合计P", "total weight P"),
    "breakdown.weight_of": Text("{weight}合计P", "total {weight} P"),
    "breakdown.matched": Text("满足条件数", "meeting the condition"),
    "breakdown.row": Text("所在学校", "at"),
}


def label(key: str, lang: str, **fields: object) -> str:
    """Return the label ``key`` in ``lang``, with ``{name}`` fields filled in.

    An unknown key is returned as is, so a new status or kind a plugin introduces still
    prints something readable instead of failing the rendering.
    """
    text = LABELS.get(key)
    if text is None:
        return key.rpartition(".")[2]
    words = text.get(lang)
    return words.format(**fields) if fields else words


#: The verification methods schemes name (核查方式), in English.
_METHODS = {
    "查阅资料": "document review",
    "实地查看": "site inspection",
    "听取汇报": "briefing",
    "问卷": "questionnaire",
    "问卷调查": "questionnaire survey",
    "随机访谈": "random interviews",
    "个别访谈": "interviews",
    "座谈": "group discussion",
}


def method_name(method: str, lang: str) -> str:
    """A verification method as ``lang`` names it (one not listed as the scheme writes it)."""
    return _METHODS.get(method, method) if lang == "en" else method
