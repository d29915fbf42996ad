"""python -m webapp.ops.word_template: write the 申报书 template where the renderer reads it."""
import sys

from webapp.ops.word_template import TEMPLATE_PATH, template_bytes


def main() -> int:
    TEMPLATE_PATH.parent.mkdir(parents=True, exist_ok=True)
    TEMPLATE_PATH.write_bytes(template_bytes())
    print(f"已生成模板：{TEMPLATE_PATH.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
