"""Sphinx extension for the course website (copied next to the generated book by site/build.py).

Jupyter Book 1 always loads sphinx-thebe. Thebe would fetch its code from unpkg
(a CDN the site must not depend on) and, with the Sphinx used here, its inline
configuration lands twice on every page, which the browser reports as an error
("Identifier 'THEBE_JS_URL' has already been declared"). The site has its own
launch bar instead, so Thebe's scripts are dropped, and any other script added
twice is kept once.
"""


def _tidy_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen = set()
    kept = []
    for script in scripts:
        body = getattr(script, "attributes", {}).get("body", "") or ""
        name = str(script)
        if "thebe" in name.lower() or "THEBE_JS_URL" in body:
            continue
        key = (name, body)
        if key in seen:
            continue
        seen.add(key)
        kept.append(script)
    scripts[:] = kept


def setup(app):
    app.connect("html-page-context", _tidy_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
