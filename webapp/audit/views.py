"""The audit log (审计管理员 only, 三员分立): filter, page through and export to Excel. Read-only: there is no route
that changes or deletes a record, and no purge (records are kept at least six months, 等保三级)."""
import io
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask import Blueprint, request, send_file, url_for
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from sqlalchemy import func

from webapp.audit import trail as audit
from webapp.documents.excel_safety import write_text
from webapp.core.extensions import db
from webapp.forms.campaigns import AuditFilterForm
from webapp.forms.fields import options
from webapp.core.htmx import render_page_or_block
from webapp.models import ROLE_LABELS, AuditRecord, Role
from webapp.permissions import roles_required
from webapp.core.timeutil import fmt, from_local, to_local, utcnow

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
auditor_only = roles_required(Role.AUDITOR)
PER_PAGE = 50
EXPORT_LIMIT = 100_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ACTION_LABELS = {
    "auth.login": "登录", "auth.logout": "退出", "auth.lockout": "账号锁定",
    "account.register": "企业注册", "account.password_change": "修改密码", "account.create": "创建账号",
    "account.reset_password": "重置密码", "account.unlock": "解除锁定", "account.deactivate": "停用账号",
    "account.activate": "启用账号",
    "application.start": "开始填写申报书", "application.copy_previous": "从上一年度复制申报书",
    "application.word_import": "从Word导入申报书",
    "application.submit": "提交申报书", "application.withdraw": "撤回申报书", "application.return": "退回修改",
    "application.recommend": "推荐", "application.reject": "不予推荐",
    "campaign.create": "创建申报批次", "campaign.update": "修改申报批次", "campaign.make_current": "设为当前批次",
    "campaign.extension_grant": "企业延期", "campaign.extension_remove": "取消企业延期",
    "report.submit": "报送汇总表", "report.return": "退回汇总表", "audit.export": "导出审计日志",
    "auth.password": "密码正确，待输入动态口令", "access.denied": "越权访问被拒绝",
    "account.second_factor_enrol": "绑定动态口令", "account.second_factor_remove": "解除动态口令",
    "application.section_comments": "填写分部分审核意见",
    "application.finalize": "生成盖章版（定稿）", "application.comment_reply": "答复审核意见",
    "attachment.upload": "上传附件", "attachment.download": "下载附件", "attachment.delete": "删除附件",
    "attachment.supersede": "盖章扫描件作废（被新扫描件替换）",
    "document.download": "下载申报书", "export.archive": "导出申报材料归档包", "export.summary": "导出全省汇总表",
    "report.export": "导出推荐汇总表", "report.fill_date": "填写汇总表填报日期", "report.reorder": "调整推荐排序",
    "security.settings": "修改安全设置", "system.backup": "系统备份", "system.restore": "系统恢复",
    # The province's selection after 报送 (webapp/selection) and the unit's 推荐意见 and 推荐函.
    "application.pass_form_check": "形式审查通过", "application.request_correction": "要求补正",
    "application.submit_correction": "提交补正", "application.fail_form_check": "形式审查不通过",
    "application.reopen_form_check": "撤销形式审查结论", "application.start_review": "进入专家评审",
    "application.propose": "列入拟认定名单", "application.incubate": "列入培育库", "application.not_select": "未入选",
    "application.recognise": "认定", "application.revoke": "撤销认定",
    "application.correction_request": "填写补正要求", "application.correction_answer": "补正新版本",
    "application.opinion": "修改推荐意见", "report.letter_scan": "上传推荐函扫描件",
    "export.letter": "下载推荐函", "export.letter_scan": "下载推荐函扫描件", "export.review": "导出评审汇总表",
    "export.score_sheets": "导出专家评分表", "export.site_visit_file": "下载现场核查材料",
    "expert.create": "添加专家", "expert.update": "修改专家信息", "expert.relation_add": "登记专家关联关系",
    "expert.relation_remove": "删除专家关联关系", "expert.login_issued": "开通专家账号", "expert.remind": "提醒专家",
    "plan.create": "创建评审方案", "plan.update": "修改评审方案", "plan.criterion_save": "保存评分项",
    "plan.criterion_delete": "删除评分项", "plan.criterion_move": "调整评分项顺序", "plan.pass_mark": "修改通过分数",
    "assignment.propose": "生成分配方案", "assignment.confirm": "确认分配方案", "assignment.discard": "放弃分配方案",
    "assignment.assign": "分配专家", "assignment.withdraw": "撤回专家分配", "assignment.open": "专家确认无利益冲突",
    "assignment.decline": "专家声明回避", "score.submit": "提交评分表", "score.reopen": "退回评分表",
    "site_visit.mark": "列入现场答辩/核查", "site_visit.unmark": "取消现场答辩/核查",
    "site_visit.record": "记录现场答辩/核查结果", "site_visit.file": "上传现场答辩/核查材料",
    "auth.throttled": "登录受限（失败次数过多）", "access.probe": "访问他人资料被拒绝",
    "application.section_save": "保存申报书内容", "account.release_code": "释放被占用的信用代码",
    "account.unit_reset_password": "推荐单位为企业重置密码", "registration.throttled": "注册受限（次数过多）",
    "attachment.refused": "上传文件被拒绝", "audit.archive": "归档审计日志",
    "colleague.create": "添加同事账号", "colleague.rights": "修改同事权限", "colleague.reset_password": "重置同事密码",
    "colleague.activate": "启用同事账号", "colleague.deactivate": "停用同事账号",
    "enterprise.admin_handover": "移交企业管理员", "notice.settings": "修改消息设置",
    # 拟认定名单, 公示 and 实名异议 (webapp/publicity).
    "proposal.planned": "设定拟认定计划数", "publicity.open": "开始公示（锁定拟认定名单）",
    "objection.file": "收到实名异议", "objection.sustain": "认定异议成立", "objection.dismiss": "认定异议不成立",
    "export.publicity_notice": "下载公示（Word）", "export.objections": "导出异议及处理情况",
    "export.objection_file": "下载异议证明材料",
    # 认定 and after (webapp/recognition)
    "recognition.record": "记录认定文号", "recognition.revoke": "撤销认定", "recognition.import_prior": "导入往年认定名单",
    "export.recognition_list": "导出认定名单", "recheck.request": "发出复核要求", "recheck.save": "保存复核报告",
    "recheck.file": "上传复核附件", "export.recheck_file": "下载复核附件", "recheck.submit": "提交复核报告",
    "recheck.return": "退回复核报告", "recheck.endorse": "推荐单位出具复核意见", "recheck.pass": "复核通过",
    "recheck.fail": "复核不通过",
}
OBJECT_LABELS = {"user_account": "账号", "application": "申报书", "campaign": "申报批次", "enterprise": "企业",
                 "deadline_extension": "企业延期", "unit_report": "推荐汇总表", "attachment": "附件",
                 "audit_record": "审计日志", "endpoint": "功能页面", "security_setting": "安全设置",
                 "letter_scan": "推荐函扫描件", "expert": "评审专家", "review_plan": "评审方案", "criterion": "评分项",
                 "score_sheet": "评分表", "assignment": "评审任务", "score_card": "专家评分", "site_visit": "现场答辩/核查",
                 "login_counter": "登录失败计数", "implementation_block": "环节/场景", "registration": "注册",
                 "publicity": "公示", "objection": "实名异议",
                 "recognition_decision": "认定文件", "certificate": "电子证书", "prior_recognition": "往年认定名单",
                 "recheck_request": "复核"}
ROLE_NAMES = {**{role.value: label for role, label in ROLE_LABELS.items()}, "console": "服务器控制台"}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


@dataclass
class AuditQuery:
    conditions: list
    described: dict


def _filters() -> tuple[AuditFilterForm, AuditQuery]:
    """The GET filters, with choices from the record itself; invalid parts are ignored (and shown as errors)."""
    form = AuditFilterForm(formdata=request.args)
    actions = db.session.execute(db.select(AuditRecord.action).distinct().order_by(AuditRecord.action)).scalars()
    types = db.session.execute(db.select(AuditRecord.object_type).where(AuditRecord.object_type.is_not(None))
                               .distinct().order_by(AuditRecord.object_type)).scalars()
    form.action.choices = options([("", "全部操作")] + [(a, f"{action_label(a)}（{a}）") for a in actions])
    form.object_type.choices = options([("", "全部类型")] + [(t, OBJECT_LABELS.get(t, t)) for t in types])
    form.role.choices = options([("", "全部角色")] + list(ROLE_NAMES.items()))
    form.validate()
    conditions, described = [], {}
    if form.start.data and not form.start.errors:
        conditions.append(AuditRecord.created_at >= from_local(datetime.combine(form.start.data, time())))
        described["start"] = form.start.data.isoformat()
    if form.end.data and not form.end.errors:
        end = from_local(datetime.combine(form.end.data + timedelta(days=1), time()))
        conditions.append(AuditRecord.created_at < end)
        described["end"] = form.end.data.isoformat()
    if form.action.data:
        conditions.append(AuditRecord.action == form.action.data)
        described["action"] = form.action.data
    if form.actor.data and not form.actor.errors:
        conditions.append(AuditRecord.actor_login.icontains(form.actor.data, autoescape=True))
        described["actor"] = form.actor.data
    if form.role.data in ROLE_NAMES:            # e.g. every act of the 安全管理员, or of the server console
        conditions.append(AuditRecord.actor_role == form.role.data)
        described["role"] = form.role.data
    if form.object_type.data:
        conditions.append(AuditRecord.object_type == form.object_type.data)
        described["object_type"] = form.object_type.data
    if form.object_id.data and not form.object_id.errors:
        conditions.append(AuditRecord.object_id == form.object_id.data)
        described["object_id"] = form.object_id.data
    if form.success.data in ("0", "1"):
        conditions.append(AuditRecord.success.is_(form.success.data == "1"))
        described["success"] = form.success.data
    return form, AuditQuery(conditions, described)


def _ordered(query: AuditQuery):
    return db.select(AuditRecord).where(*query.conditions).order_by(AuditRecord.created_at.desc(),
                                                                     AuditRecord.id.desc())


@bp.get("/")
@auditor_only
def index():
    form, query = _filters()
    total = db.session.execute(db.select(func.count()).select_from(AuditRecord).where(*query.conditions)).scalar_one()
    pages = max(1, -(-total // PER_PAGE))
    page = request.args.get("page", "1")
    page = min(max(int(page) if page.isdigit() else 1, 1), pages)
    records = list(db.session.execute(_ordered(query).limit(PER_PAGE).offset((page - 1) * PER_PAGE)).scalars())
    args = {k: v for k, v in request.args.items() if v and k != "page"}
    return render_page_or_block(
        "audit/audit_log.html", "results", form=form, records=records, total=total, page=page, pages=pages,
        filtered=bool(query.described), action_label=action_label, object_labels=OBJECT_LABELS, role_names=ROLE_NAMES,
        page_url=lambda number: url_for(".index", **args, page=number),
        export_url=url_for(".export", **args))


HEADERS = ["时间（北京时间）", "操作人", "角色", "IP地址", "操作", "操作代码", "对象类型", "对象编号", "结果", "详情"]
WIDTHS = [18, 20, 12, 16, 16, 26, 12, 12, 8, 80]


def build_workbook(records, described: dict) -> bytes:
    """The records as one sheet; every value written as text (excel_safety.write_text)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "审计日志"
    write_text(ws.cell(1, 1), f"审计日志导出 {fmt(utcnow(), '%Y-%m-%d %H:%M:%S')}（北京时间）")
    ws.cell(1, 1).font = Font(bold=True, size=12)
    conditions = "；".join(f"{key}={value}" for key, value in described.items()) or "全部记录"
    write_text(ws.cell(2, 1), f"筛选条件：{conditions}")
    for column, (header, width) in enumerate(zip(HEADERS, WIDTHS), start=1):
        write_text(ws.cell(3, column), header)
        ws.cell(3, column).font = Font(bold=True)
        ws.column_dimensions[ws.cell(3, column).column_letter].width = width
    for row, record in enumerate(records, start=4):
        values = [fmt(record.created_at, "%Y-%m-%d %H:%M:%S"), record.actor_login or "",
                  ROLE_NAMES.get(record.actor_role or "", record.actor_role or ""), record.ip or "",
                  action_label(record.action), record.action, OBJECT_LABELS.get(record.object_type or "",
                                                                                 record.object_type or ""),
                  record.object_id or "", "成功" if record.success else "失败", record.detail or ""]
        for column, value in enumerate(values, start=1):
            write_text(ws.cell(row, column), value)
        ws.cell(row, 10).alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A4"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@bp.get("/export.xlsx")
@auditor_only
def export():
    _form, query = _filters()
    records = list(db.session.execute(_ordered(query).limit(EXPORT_LIMIT)).scalars())
    data = build_workbook(records, query.described)
    audit.record("audit.export", object_type="audit_record", detail={"filters": query.described,
                                                                     "rows": len(records)})
    db.session.commit()
    name = f"审计日志_{to_local(utcnow()):%Y%m%d_%H%M}.xlsx"
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name)
