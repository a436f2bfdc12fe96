"""During a database outage a person's browser gets a Chinese page with 503 (public site and
console alike), while machines keep the JSON envelope. The outage is real: the private
PostgreSQL cluster of faults/pg.py is stopped under the running app."""


from faults import db_outage

from ..conftest import make_test_app
from ..identity.test_console_auth import csrf_of

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def test_pages_answer_a_chinese_503_page_while_the_database_is_down(private_pg):
    url = private_pg.create_database("ys_outage_pages")
    db_outage.prepare(url)
    app = make_test_app(url)
    try:
        staff = app.test_client()
        token = csrf_of(staff.get("/console/login").data)
        assert staff.post("/console/login", data={"username": "operator", "password": "Fault-pass-2026",
                                                  "csrf_token": token}).status_code == 302
        visitor = app.test_client()
        assert visitor.get("/", headers=HTML).status_code == 200

        private_pg.stop("fast")
        for client, path in ((visitor, "/"), (visitor, "/figures"), (visitor, "/issues/YS2026-000001"),
                             (staff, "/console/issues"), (staff, "/console/intake")):
            page = client.get(path, headers=HTML)
            text = page.get_data(as_text=True)
            assert page.status_code == 503 and page.mimetype == "text/html", (path, page.status_code)
            assert "系统暂时无法读取数据，请稍后刷新重试" in text and "<html" in text, path
            assert page.headers["Retry-After"] == "5"
        machine = visitor.get("/api/v1/public/issues", headers=HTML)
        assert machine.status_code == 503 and machine.get_json()["error"]["code"] == "unavailable"

        private_pg.start()
        assert visitor.get("/", headers=HTML).status_code == 200
        assert staff.get("/console/issues", headers=HTML).status_code == 200
    finally:
        app.extensions["ys"]["engine"].dispose()
