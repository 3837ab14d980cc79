"""The demo's register: the 22MSP with its prefix, a dozen documents with searchable EN/FR/ES PDFs."""

from sqlalchemy import select

from comms.documents import search
from comms.documents import workflow
from comms.documents.models import RegisterDocument
from comms.platform.seeding import seed_demo


def test_demo_register(runtime, tmp_path, client):
    seed_demo(runtime.db, documents_path=tmp_path)
    seed_demo(runtime.db, documents_path=tmp_path)  # twice changes nothing
    with runtime.db.transaction() as session:
        documents = list(session.scalars(select(RegisterDocument)))
        symbols = {d.symbol for d in documents}
        assert len(documents) == 14
        assert {"APLC/MSP.22/2026/1", "APLC/MSP.22/2026/INF.1", "APLC/MSP.22/2026/INF.2", "APLC/MSP.22/2026/WP.1",
                "APLC/MSP.22/2026/3/Rev.1", "APLC/MSP.22/2026/6/Corr.1"} <= symbols
        assert sum(d.kind == "statement" for d in documents) == 3
        report = next(d for d in documents if d.symbol == "APLC/MSP.22/2026/3")
        assert workflow.superseded_by(session, report).symbol == "APLC/MSP.22/2026/3/Rev.1"
        public = search.Filters(public_only=True)
        for q in ("Ayacucho", "déminage", "remocion", "psychosocial"):
            found, _ = search.find(session, public, q)
            assert all(f.document.public for f in found)
            assert bool(found) == (q != "psychosocial"), q  # the working paper is limited
    page = client.get("/documents/", query_string={"q": "desminado"}).get_data(as_text=True)
    assert "Statement by Peru on mine clearance" in page
