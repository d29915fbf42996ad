"""Chinese error pages; no stack trace ever reaches the user."""
from flask import Flask, render_template
from flask_wtf.csrf import CSRFError

from .htmx import is_htmx

MESSAGES = {
    400: ("请求无效", "提交的内容无法处理，请返回上一页重试。"),
    403: ("无权访问", "您没有权限执行此操作。如有疑问，请联系管理员。"),
    404: ("页面不存在", "您访问的页面或资料不存在，或您无权查看。"),
    405: ("请求方式不允许", "该页面不支持此操作方式。"),
    413: ("文件过大", "上传的内容超过了允许的大小。请压缩或拆分文件后重试。"),
    500: ("系统错误", "系统出现错误，已记录。请稍后重试；如问题持续，请联系管理员。"),
}


def register_error_handlers(app: Flask) -> None:
    def render(code: int, detail: str | None = None):
        title, message = MESSAGES[code]
        template = "errors/_error.html" if is_htmx() else "errors/error.html"
        return render_template(template, code=code, title=title, message=detail or message), code

    for code in (400, 403, 404, 405, 413):
        app.register_error_handler(code, lambda exc, code=code: render(code))

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return render(400, "页面已过期或会话已失效（安全校验未通过）。请刷新页面后重试；您填写的内容不会因此丢失，请先复制保存。")

    @app.errorhandler(500)
    def server_error(exc):
        from .extensions import db
        db.session.rollback()
        return render(500)
