"""Every fixed word the renderers and the command line print, in Chinese and English.

Text that comes from a rubric or a facts document is never here: it is data, rendered as
given (and escaped by the renderer). This table holds only the words around it, keyed by
label and language, so a renderer asks for ``label("score", lang)`` and never spells a
word itself.
"""

from __future__ import annotations

from collections.abc import Mapping

from evalrules._text import Text

__all__ = ["LABELS", "LANGS", "label"]

#: Supported languages: ``zh`` (simplified Chinese, the default) and ``en``.
LANGS: tuple[str, ...] = ("zh", "en")

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
    "chart": Text("各指标得分与满分", "Score against max, by indicator"),
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
    "score": Text("得分", "Score"),
    "claimed": Text("自评", "Claimed"),
    "computed": Text("核定", "Computed"),
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
    "base_grade": Text("按总分为{grade},因一票否决调整", "{grade} by the total, changed by a veto"),
    "vetoes": Text("一票否决", "Vetoes"),
    "none": Text("无", "none"),
    "completeness": Text("完整性", "Completeness"),
    "complete": Text("完整", "complete"),
    "incomplete": Text(
        "不完整:{count}项无法评价(缺少数据)",
        "incomplete: {count} item(s) not assessable (facts missing)",
    ),
    "differs": Text("≠ 自评 {difference}", "≠ claimed {difference}"),
    # evidence
    "evidence": Text("佐证", "Evidence"),
    "facts": Text("数据", "Facts"),
    "derived": Text("派生数据", "Derived"),
    "params": Text("参数", "Parameters"),
    "inputs": Text("输入", "inputs"),
    "yes": Text("是", "yes"),
    "no": Text("否", "no"),
    "about": Text("约", "about"),
    # punctuation, which differs between the languages
    "punct.colon": Text(":", ": "),
    "punct.comma": Text(",", ", "),
    "punct.semicolon": Text(";", "; "),
    # sources
    "inferred": Text("推定", "inferred"),
    "unspecified": Text("未注明", "unspecified"),
    # statuses of a node
    "status.scored": Text("已评分", "scored"),
    "status.not_applicable": Text("不适用", "not applicable"),
    "status.not_assessable": Text("无法评价", "not assessable"),
    # finding kinds
    "kind.deduction": Text("扣分", "Deduction"),
    "kind.bonus": Text("加分", "Bonus"),
    "kind.veto": Text("一票否决", "Veto"),
    "kind.not_applicable": Text("不适用", "Not applicable"),
    "kind.not_assessable": Text("无法评价", "Not assessable"),
    "kind.manual": Text("酌情扣分", "Assessor's judgement"),
    # veto effects
    "effect.force_fail": Text("直接定为最低等次", "graded as the lowest grade"),
    "effect.lower_one": Text("降低一个等次", "lowered one grade"),
    "effect.cap_below_top": Text("不得评为最高等次", "capped below the top grade"),
    # derived-fact formulas
    "formula.ratio": Text("比值", "ratio"),
    "formula.share": Text("占比", "share"),
    "formula.per_capita": Text("人均", "per capita"),
    "formula.difference": Text("差值", "difference"),
    "formula.growth": Text("增长率", "growth"),
    "formula.sum": Text("合计", "sum"),
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
