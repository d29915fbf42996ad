"""Driving 导入Word申报书 with the test client: upload, read the preview's form, import."""
import io
import re
from urllib.parse import parse_qs, urlparse

from tests.conftest import text


def start(client) -> int:
    response = client.post("/applications/start")
    assert response.status_code == 303
    return int(re.search(r"/applications/(\d+)/", response.location).group(1))


def upload(client, application_id: int, data: bytes, name: str = "申报书.docx"):
    return client.post(f"/applications/{application_id}/word-import", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def uploaded(client, application_id: int, data: bytes, name: str = "申报书.docx") -> tuple[str, str]:
    """(token, preview page text) of an accepted upload."""
    response = upload(client, application_id, data, name)
    assert response.status_code == 303, text(response)
    token = parse_qs(urlparse(response.location).query)["file"][0]
    page = client.get(response.location)
    assert page.status_code == 200
    return token, page.get_data(as_text=True)


def versions(page: str) -> dict[str, str]:
    """The section versions the preview carries."""
    return {f"version-{key}": value for key, value in re.findall(r'name="version-(\w+)" value="(-?\d+)"', page)}


def checked(page: str) -> list[str]:
    """The rows ticked by default in the preview."""
    return re.findall(r'<input type="checkbox" name="pick" value="([^"]+)"\s+checked', page)


def import_rows(client, application_id: int, token: str, page: str, picks, action: str = "import", **extra):
    data = {"file": token, "action": action, "pick": list(picks), **versions(page), **extra}
    return client.post(f"/applications/{application_id}/word-import/apply", data=data)
