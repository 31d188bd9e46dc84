"""核对结算单 pages: docs/<region>/slip/index.md, one per region, reached from the calculator.

The slip's lines, their words, order and where each is on a typical slip come from calc.slip.FIELDS;
the form's choices (identities, years, levels, places) from calc's meta for the region, as the
calculator's. The check itself runs in the browser's worker (assets/resident/calc-slip.js) via calc.
"""
from calc import slip


def page_data(rm: dict) -> dict:
    return {"slip_fields": [{"key": k, "word": w, "where": where} for k, w, where in slip.FIELDS],
            "decide": slip.DECIDE}


def write_page(rm: dict, data: dict, env, put) -> None:
    put(f"{rm['id']}/slip/index.md", env.get_template("slip.md.j2").render(**{"rm": rm, "rid": rm["id"], **data,
                                                                             **page_data(rm)}))
