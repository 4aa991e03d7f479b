"""The import rules of docs/architecture.md ("Layers and the import rules"), checked on the source's syntax trees:
every import statement of src/zhengwu, at module level or inside a function, counts.

1. a domain never imports an interface (portal, workbench, api);
2. a domain imports only domains below it (LAYERS, lowest first; domains on one level import neither way);
3. no two packages import each other;
4. no interface imports another (what the portal and the workbench share lives in a domain or in core).

And scope is decided only in core/access.py: no other module compares organisation or region paths; and the
interfaces only display: a page reads through its domain's selectors, never the ORM itself.

The source is the same whatever the database, so `make test` reads it once, in the SQLite run.
"""

import ast
import fnmatch
import functools
import re
from collections import defaultdict
from pathlib import Path

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "sqlite",
        reason="reads the source, the same on every engine: once, in the SQLite run",
    ),
    # one worker takes the module, so the source is parsed once per run (_all_trees), not once per worker
    pytest.mark.xdist_group("architecture"),
]

SRC = Path(__file__).resolve().parent.parent / "src" / "zhengwu"

# Lowest first. A package may import the packages on the levels below its own.
LAYERS = [
    {"core"},
    {"catalog"},
    {"cases"},
    {"disclosure", "tickets"},
    {"evaluation"},
    {"supervision"},
]
INTERFACES = {"portal", "workbench", "api"}
# Packages not (yet) listed — a domain added on another branch — sit on the top domain level until placed in
# LAYERS: they may import every domain, and no listed domain may import them.
TOP = len(LAYERS)

# Known exceptions, each with why it is still there and who removes it. An entry no longer found fails the test, so
# the list only shrinks.
KNOWN: dict[tuple[str, str], str] = {}


@functools.cache
def _all_trees(src: Path) -> tuple[tuple[str, ast.Module], ...]:
    """(file relative to src, syntax tree) of every source file, parsed once per test process: the import checks and
    the gettext checks only read the trees (parsing the ~400 files took ~1.4 s of CPU, and five tests each did it)."""
    return tuple(
        (str(path.relative_to(src)), ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        for path in sorted(src.rglob("*.py"))
    )


@functools.cache
def _package_imports(src: Path = SRC) -> dict[tuple[str, str], set[str]]:
    """(importing package, imported package) → the files that do it (found once per process; the tests only read
    it)."""
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for file, tree in _all_trees(src):
        parts = Path(file).parts
        if len(parts) < 2 or parts[0] in ("static", "templates"):
            continue  # settings.py, urls.py, cli.py … are the project's wiring, above every package
        package = parts[0]
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                continue  # relative imports stay inside their package
            for name in names:
                bits = name.split(".")
                if bits[0] == "zhengwu" and len(bits) > 1 and bits[1] != package and (src / bits[1]).is_dir():
                    found[(package, bits[1])].add(file)
    return found


def _level(package: str) -> int:
    return next((i for i, level in enumerate(LAYERS) if package in level), TOP)


def _breaches(src: Path = SRC) -> list[str]:
    imports = _package_imports(src)
    breaches = []
    for (importer, imported), files in sorted(imports.items()):
        if (importer, imported) in KNOWN:
            continue
        where = ", ".join(sorted(files))
        if importer in INTERFACES:
            if imported in INTERFACES:
                breaches.append(f"interface {importer} imports the interface {imported}: {where}")
            continue  # interfaces may use every domain
        if imported in INTERFACES:
            breaches.append(f"domain {importer} imports the interface {imported}: {where}")
        elif _level(imported) >= _level(importer):
            breaches.append(
                f"{importer} (level {_level(importer)}) imports {imported} (level {_level(imported)}): {where}"
            )
    for (a, b), files in sorted(imports.items()):
        if a < b and (b, a) in imports and (a, b) not in KNOWN and (b, a) not in KNOWN:
            back = ", ".join(sorted(imports[(b, a)]))
            breaches.append(f"{a} and {b} import each other: {', '.join(sorted(files))} / {back}")
    return breaches


def test_domains_import_only_lower_domains_and_never_an_interface_nor_interfaces_each_other():
    assert _breaches() == []


def test_core_imports_no_other_package():
    assert {b for (a, b) in _package_imports() if a == "core"} == set()


def test_every_known_exception_still_exists():
    imports = _package_imports()
    gone = [f"{a} → {b} ({why})" for (a, b), why in KNOWN.items() if (a, b) not in imports]
    assert gone == [], "remove from KNOWN what was fixed: " + "; ".join(gone)


def test_the_check_sees_each_kind_of_breach(tmp_path):
    """The rules fail on a domain importing an interface, a lower domain importing a higher one and a cycle."""
    tree = {
        "core/a.py": "",
        "catalog/a.py": "def f():\n    from zhengwu.tickets import models\n",
        "tickets/a.py": "import zhengwu.catalog.a\nfrom zhengwu import portal\n",
        "portal/a.py": "from zhengwu.tickets.a import f\n",
        "workbench/a.py": "from zhengwu.portal.a import f\n",
    }
    for name, text in tree.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    found = "\n".join(_breaches(tmp_path))
    assert "catalog (level 1) imports tickets (level 3): catalog/a.py" in found
    assert "domain tickets imports the interface portal: tickets/a.py" in found
    assert "catalog and tickets import each other" in found
    assert "interface workbench imports the interface portal: workbench/a.py" in found


# ---- scope decided only in core/access.py (issue 15.2)

# A path-prefix comparison — a query on `path__startswith` (org_path__…, region_path__…, organisation__path__…) or
# `<organisation or region>.path.startswith(` — decides who is under whom; outside core/access.py it is a second
# copy of the scope rule. (request.path is a URL, not a hierarchy.)
PATH_PREFIX = re.compile(r"path__startswith|(?<!request)\.path(?:\s+or\s+['\"]{2}\))?\.startswith\(")
# Files that may still compare paths, each with why. An entry no longer needed fails the test, so the list only shrinks.
PATH_PREFIX_KNOWN: dict[str, str] = {}


def _path_prefix_uses(src: Path = SRC) -> dict[str, list[int]]:
    """File (relative to src) → the lines that compare paths by prefix, core/access.py and migrations aside."""
    found: dict[str, list[int]] = {}
    for path in src.rglob("*.py"):
        name = str(path.relative_to(src))
        if name == "core/access.py" or "/migrations/" in f"/{name}":
            continue
        lines = [
            i
            for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if PATH_PREFIX.search(line)
        ]
        if lines:
            found[name] = lines
    return found


def test_scope_is_decided_only_in_core_access():
    uses = {name: lines for name, lines in _path_prefix_uses().items() if name not in PATH_PREFIX_KNOWN}
    assert uses == {}, "compare organisation/region paths through core.access (acts_for, in_region_q, …)"


def test_every_path_prefix_exception_still_exists():
    uses = _path_prefix_uses()
    assert [name for name in PATH_PREFIX_KNOWN if name not in uses] == []


def test_the_path_prefix_check_sees_each_form(tmp_path):
    tree = {
        "core/access.py": "Q(path__startswith=p)\n",
        "cases/a.py": "Q(org_path__startswith=staff.organisation.path)\n",
        "tickets/a.py": "ok = case.organisation.path.startswith(staff.organisation.path)\n",
        "fees/a.py": 'ok = (organisation.path or "").startswith(staff.organisation.path)\n',
        "core/middleware.py": "if request.path.startswith('/api/'): pass\n",
        "cases/migrations/0001_x.py": "Q(path__startswith=p)\n",
    }
    for name, text in tree.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert _path_prefix_uses(tmp_path) == {"cases/a.py": [1], "tickets/a.py": [1], "fees/a.py": [1]}


# ---- interfaces only display (issue 15.2): a view reads through its domain's selectors and services

# `Model.objects` in an interface module is a query the domain should own (a form's choices, forms.py, aside).
VIEW_QUERY = re.compile(r"\.objects\b")
# The API's modules still query here and there: the counts may only go down (an entry above its count fails).
VIEW_QUERY_KNOWN: dict[str, int] = {}


def _view_queries(src: Path = SRC) -> dict[str, int]:
    """Interface module (relative to src) → how many ORM queries it writes itself."""
    found: dict[str, int] = {}
    for package in sorted(INTERFACES):
        for path in (src / package).rglob("*.py"):
            if path.name == "forms.py":
                continue
            count = len(VIEW_QUERY.findall(path.read_text(encoding="utf-8")))
            if count:
                found[str(path.relative_to(src))] = count
    return found


def test_interfaces_read_through_their_domains():
    over = {name: n for name, n in _view_queries().items() if n > VIEW_QUERY_KNOWN.get(name, 0)}
    assert over == {}, (
        "read through the domain's selectors (hall.selectors, fees.selectors, …), not Model.objects"
    )


def test_every_view_query_exception_is_still_needed():
    found = _view_queries()
    assert {name: n for name, n in VIEW_QUERY_KNOWN.items() if found.get(name, 0) < n} == {}, (
        "lower the count"
    )


def test_the_view_query_check_sees_each_form(tmp_path):
    for name, text in {
        "workbench/hall/views.py": "rows = Slot.objects.filter(group=g)\n",
        "workbench/hall/forms.py": "queryset = Slot.objects.all()\n",
        "portal/a.py": "x = 1\n",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert _view_queries(tmp_path) == {"workbench/hall/views.py": 1}


# ---- every form a Django form (issue 15.2): a view hands request.POST to a form, which reads and checks each field
# (a number that is not one is the form's error at its field, never a ValueError and a 500)

POST_BY_HAND = re.compile(r"request\.POST(?:\.get\(|\.getlist\(|\[)")
# Pages still reading fields by hand, with their counts, which may only go down.
POST_BY_HAND_KNOWN: dict[str, int] = {}  # none left (2026-12-06)


def _posts_by_hand(src: Path = SRC) -> dict[str, int]:
    found: dict[str, int] = {}
    for package in sorted(INTERFACES):
        for path in (src / package).rglob("*.py"):
            count = len(POST_BY_HAND.findall(path.read_text(encoding="utf-8")))
            if count:
                found[str(path.relative_to(src))] = count
    return found


def test_pages_read_what_was_posted_through_forms():
    over = {name: n for name, n in _posts_by_hand().items() if n > POST_BY_HAND_KNOWN.get(name, 0)}
    assert over == {}, "give the page a Django form (core.forms.ServiceForm) and read its cleaned_data"


def test_every_post_by_hand_exception_is_still_needed():
    found = _posts_by_hand()
    assert {name: n for name, n in POST_BY_HAND_KNOWN.items() if found.get(name, 0) < n} == {}, (
        "lower the count"
    )


def test_the_post_by_hand_check_sees_each_form(tmp_path):
    for name, text in {
        "workbench/hall/views.py": 'a = request.POST.get("x")\nb = request.POST["y"]\nc = request.POST.getlist("z")\n',
        "portal/a.py": "form = Form(request.POST)\n",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert _posts_by_hand(tmp_path) == {"workbench/hall/views.py": 3}


# ---- a typed whole number is read by core.inputs.whole: str.isdigit() says yes to ², ３ and ①, which int() refuses,
# so an isdigit() guarding an int() is a 500 waiting for a superscript (a stranger's pass found eight)

ISDIGIT = re.compile(r"\.isdigit\(\)")
ISDIGIT_ALLOWED = re.compile(
    r"isascii\(\) and [^\n]*\.isdigit\(\)|c\.isdigit\(\) for c\b|\w\[[^\]]*\]\.isdigit\(\)"
)


def _isdigit_uses(src: Path = SRC) -> list[str]:
    found = []
    for path in src.rglob("*.py"):
        if "migrations" in path.parts or path.name in ("inputs.py", "masking.py", "personal_data.py"):
            continue
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if ISDIGIT.search(line) and not ISDIGIT_ALLOWED.search(line):
                found.append(f"{path.relative_to(src)}:{i}")
    return found


def test_typed_numbers_are_read_by_core_inputs_whole():
    assert _isdigit_uses() == [], "use core.inputs.whole / is_whole"


# ---- every sentence a person reads goes through gettext (STYLE: UI text is zh-hans through Django's translation
# machinery): a confirmation (messages.success/info/warning/error/debug, messages.add_message) and the message of a
# domain error — core.errors.DomainError and every class derived from it, found in the source (ValidationFailed,
# NotFound, AccessDenied, Conflict, TooManyRequests, ItemInvalid, BundleInvalid, ImportRejected …), and Django's
# PermissionDenied and Http404 (the 404 page may show it). The text is `_("…")`, `gettext("…")`,
# `_("… %(name)s …") % {…}`, or a value made elsewhere (exc.message, a variable); never a literal, an f-string,
# `"…" % x` or `.format()`, which no catalogue can carry.
#
# And every text sent to a person (an SMS, an e-mail's subject and body, a wait notice, a reminder): what is given
# to the functions every such text goes through (SENDERS) — and, since these texts are mostly made a few lines
# before, what the variable given was assigned in the same function, and what a function of the same module that
# made it returns.

MESSAGE_LEVELS = {"debug", "info", "success", "warning", "error"}
GETTEXT_CALLS = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}
# "%s", "%d": a placeholder without a name, which a translation cannot move ("%%", a percent sign, is taken out
# first)
UNNAMED_PLACEHOLDER = re.compile(r"%(?!\()")
# Files whose texts still skip gettext, each with why. An entry no longer needed fails the test, so the list only
# shrinks.
GETTEXT_KNOWN: dict[str, str] = {}  # none left (2026-12-07: the hall converted)

# What sends a text to a person → (the positions of its text arguments, their keywords). A name matches a call by
# its end ("outbox.post" matches `outbox.post(…)` and `core.outbox.post(…)`); a (file, name) pair is a module's own
# helper that hands its arguments on to one of these.
SENDERS: dict[str | tuple[str, str], tuple[tuple[int, ...], tuple[str, ...]]] = {
    # core.outbox: every SMS and e-mail (channel, recipient, body, subject=)
    "outbox.post": ((2,), ("body", "subject")),
    # a row of the outbox written directly (post_all, objects.create)
    "OutboxMessage": ((), ("body", "subject")),
    "OutboxMessage.objects.create": ((), ("body", "subject")),
    # cases.notify: a message to the applicant outside a case's events
    "tell_applicant": ((1,), ("text", "subject")),
    # helpers of one module that hand the text on
    ("fees/services.py", "_tell_applicant"): ((1, 2), ("text", "subject")),
    ("hall/services.py", "_message"): ((1,), ("body",)),
    ("joint/services.py", "_message"): ((1,), ("text",)),
    ("licences/grants.py", "_tell_grantee"): ((1, 2), ("body", "subject")),
}


def _called(func: ast.expr) -> str | None:
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None


def _domain_errors(trees: list[ast.Module]) -> set[str]:
    """DomainError and the classes derived from it at any depth (by name), and Django's PermissionDenied."""
    classes = [
        (node.name, {_called(base) for base in node.bases})
        for tree in trees
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
    ]
    errors = {"DomainError", "PermissionDenied", "Http404"}
    grown = True
    while grown:
        grown = False
        for name, bases in classes:
            if name not in errors and bases & errors:
                errors.add(name)
                grown = True
    return errors


def _gettext_call(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and _called(node.func) in GETTEXT_CALLS


def _untranslated(node: ast.expr) -> str | None:
    """Why the text `node` skips gettext, or None (a name, an attribute, another function's answer pass)."""
    if isinstance(node, ast.Constant):
        return "a literal" if isinstance(node.value, str) and any(c.isalpha() for c in node.value) else None
    if isinstance(node, ast.JoinedStr):
        return "an f-string"
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        if _gettext_call(node.left):
            text = node.left.args[0] if node.left.args else None
            if isinstance(text, ast.Constant) and UNNAMED_PLACEHOLDER.search(
                str(text.value).replace("%%", "")
            ):
                return "a placeholder without a name"
        return "'…' % …" if _untranslated(node.left) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _untranslated(node.left) or _untranslated(node.right)
    if isinstance(node, ast.BoolOp):
        return next((why for why in map(_untranslated, node.values) if why), None)
    if isinstance(node, ast.IfExp):
        return _untranslated(node.body) or _untranslated(node.orelse)
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            return "'…'.format()"
        if _gettext_call(node) and not (node.args and isinstance(node.args[0], ast.Constant)):
            return "gettext of a text made at run time"
    return None


def _texts(call: ast.Call, errors: set[str]):
    """(what, text) for each text a person reads in this call: a message's, or a domain error's (its message, or
    each (field, message) of a list of them)."""
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "messages":
        at = 2 if func.attr == "add_message" else 1 if func.attr in MESSAGE_LEVELS else None
        if at is None:
            return
        what = f"messages.{func.attr}"
        if len(call.args) > at:
            yield what, call.args[at]
        yield from ((what, k.value) for k in call.keywords if k.arg == "message")
        return
    what = _called(func)
    if what not in errors:
        return
    pairs = []
    if call.args:
        if isinstance(call.args[0], (ast.List, ast.Tuple)):
            pairs.append(call.args[0])
        else:
            yield what, call.args[0]
    for k in call.keywords:
        if k.arg == "message":
            yield what, k.value
        elif k.arg == "errors" and isinstance(k.value, (ast.List, ast.Tuple)):
            pairs.append(k.value)
    for listed in pairs:
        for pair in listed.elts:
            if isinstance(pair, ast.Tuple) and len(pair.elts) == 2:
                yield what, pair.elts[1]


def _dotted(func: ast.expr) -> str | None:
    """`outbox.post` for outbox.post(…), `OutboxMessage.objects.create` …; None for a call of a call's answer."""
    parts = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if not isinstance(func, ast.Name):
        return None
    return ".".join([func.id, *reversed(parts)])


def _sent_texts(call: ast.Call, name: str):
    """(what, text) for each text this call sends to a person (SENDERS); `name` is the file, relative to src."""
    dotted = _dotted(call.func)
    if dotted is None:
        return
    spec = next(
        (
            spec
            for key, spec in SENDERS.items()
            if key == (name, dotted)
            or (isinstance(key, str) and (dotted == key or dotted.endswith("." + key)))
        ),
        None,
    )
    if spec is None:
        return
    positions, keywords = spec
    for at in positions:
        if len(call.args) > at and not isinstance(call.args[at], ast.Starred):
            yield dotted, call.args[at]
    yield from ((dotted, k.value) for k in call.keywords if k.arg in keywords)


def _pieces(node: ast.expr) -> list[ast.expr]:
    """The parts of a text that may have been made elsewhere: both sides of +, what the text's % fills in, both
    branches of a choice, the parts joined ("".join([text, line]), "、".join(… for …)), what an f-string puts in."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [*_pieces(node.left), *_pieces(node.right)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        filled = node.right.values if isinstance(node.right, ast.Dict) else []
        return [*_pieces(node.left), *(piece for value in filled for piece in _pieces(value))]
    if isinstance(node, ast.IfExp):
        return [*_pieces(node.body), *_pieces(node.orelse)]
    if isinstance(node, ast.BoolOp):
        return [piece for value in node.values for piece in _pieces(value)]
    if isinstance(node, ast.JoinedStr):
        return [node, *(part.value for part in node.values if isinstance(part, ast.FormattedValue))]
    if isinstance(node, ast.Call) and _called(node.func) == "join" and node.args:
        joined = node.args[0]
        if isinstance(joined, (ast.GeneratorExp, ast.ListComp)):
            return _pieces(joined.elt)
        if isinstance(joined, (ast.List, ast.Tuple)):
            parts = [part for part in joined.elts if not isinstance(part, ast.Starred)]
            return [piece for part in parts for piece in _pieces(part)]
    return [node]


def _looked_up(piece: ast.expr) -> str | None:
    """The name of the table a text is looked up in (MESSAGES[action], MESSAGES.get(action)), or None."""
    if isinstance(piece, ast.Subscript) and isinstance(piece.value, ast.Name):
        return piece.value.id
    if (
        isinstance(piece, ast.Call)
        and isinstance(piece.func, ast.Attribute)
        and piece.func.attr == "get"
        and isinstance(piece.func.value, ast.Name)
    ):
        return piece.func.value.id
    return None


def _assigned(scope: ast.AST, name: str) -> list[ast.expr]:
    """What `name` is given in `scope` (=, +=, an annotated =); a module's own names at its top level only."""
    nodes = scope.body if isinstance(scope, ast.Module) else ast.walk(scope)
    values = []
    for node in nodes:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            values.append(node.value)
        elif (
            isinstance(node, (ast.AnnAssign, ast.AugAssign))
            and isinstance(node.target, ast.Name)
            and node.target.id == name
            and node.value is not None
        ):
            values.append(node.value)
    return values


def _words(node: ast.expr) -> bool:
    """Whether a text has words of its own: a letter outside ASCII (已受理), not only a link's path or a date's
    format, as the values filling a message often are."""
    return any(
        isinstance(n, ast.Constant)
        and isinstance(n.value, str)
        and any(c.isalpha() and not c.isascii() for c in n.value)
        for n in ast.walk(node)
    )


def _made_untranslated(
    node: ast.expr, scope: ast.AST, module: ast.Module, seen: set, *, given: bool = True
) -> str | None:
    """Why the sent text `node` skips gettext — the text given itself (`given`), or a part it was made of that has
    words: what fills its placeholders or is joined to it, the variable's assignments in the function (else the
    module), what a function of the same module whose answer it is returns and was given, the values of the
    module's table it is looked up in — or None."""
    if given or _words(node):
        why = _untranslated(node)
        if why:
            return why if given else f"{why} on line {node.lineno}"
    functions = {f.name: f for f in module.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}
    for piece in _pieces(node):
        made: list[tuple[ast.expr, ast.AST]] = [] if piece is node else [(piece, scope)]
        if isinstance(piece, ast.Name):
            where = scope if _assigned(scope, piece.id) or scope is module else module
            made += [(value, where) for value in _assigned(where, piece.id)]
        elif isinstance(piece, ast.Call) and isinstance(piece.func, ast.Name) and piece.func.id in functions:
            function = functions[piece.func.id]
            made += [(value, scope) for value in [*piece.args, *(k.value for k in piece.keywords)]]
            made += [(n.value, function) for n in ast.walk(function) if isinstance(n, ast.Return) and n.value]
        elif table := _looked_up(piece):
            made += [
                (v, module) for d in _assigned(module, table) if isinstance(d, ast.Dict) for v in d.values
            ]
        for value, where in made:
            if id(value) in seen:
                continue
            seen.add(id(value))
            why = _made_untranslated(value, where, module, seen, given=False)
            if why:
                return why
    return None


def _scopes(tree: ast.Module) -> dict[int, ast.AST]:
    """id of each node → the function it is in (the module at the top level)."""
    scopes: dict[int, ast.AST] = {}

    def visit(node: ast.AST, scope: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            scopes[id(child)] = scope
            inner = child if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) else scope
            visit(child, inner)

    visit(tree, tree)
    return scopes


@functools.cache
def _untranslated_texts(src: Path = SRC) -> dict[str, list[str]]:
    """File (relative to src) → "line: what (why)" for each message, domain error or sent text whose text skips
    gettext (found once per process: two tests read it)."""
    trees = dict(_source_trees(src))
    errors = _domain_errors(list(trees.values()))
    found: dict[str, list[str]] = {}
    for name, tree in trees.items():
        scopes = _scopes(tree)
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call):
                continue
            for what, text in _texts(call, errors):
                why = _untranslated(text)
                if why:
                    found.setdefault(name, []).append(f"{text.lineno}: {what} ({why})")
            for what, text in _sent_texts(call, name):
                why = _made_untranslated(text, scopes[id(call)], tree, set())
                if why:
                    found.setdefault(name, []).append(f"{text.lineno}: {what} ({why})")
    return {name: sorted(lines, key=lambda line: int(line.split(":")[0])) for name, lines in found.items()}


def test_messages_and_domain_errors_go_through_gettext():
    found = {name: lines for name, lines in _untranslated_texts().items() if name not in GETTEXT_KNOWN}
    assert found == {}, 'write _("…"), with named placeholders: _("… %(number)s …") % {"number": …}'


def test_every_sending_helper_is_still_there():
    """A module's helper in SENDERS that was renamed or moved would leave its texts unchecked."""
    gone = []
    for key in SENDERS:
        if isinstance(key, tuple):
            path = SRC / key[0]
            tree = ast.parse(path.read_text(encoding="utf-8")) if path.exists() else ast.Module(body=[])
            if key[1] not in {f.name for f in tree.body if isinstance(f, ast.FunctionDef)}:
                gone.append(key)
    assert gone == [], "update SENDERS: the helper that hands a sent text on is no longer there"


def test_every_gettext_exception_is_still_needed():
    found = _untranslated_texts()
    assert [f"{name} ({why})" for name, why in GETTEXT_KNOWN.items() if name not in found] == [], (
        "remove from GETTEXT_KNOWN what was converted"
    )


def test_the_gettext_check_sees_each_kind_of_breach(tmp_path):
    """A literal, an f-string, '…' % x, .format(), an unnamed placeholder and gettext of a made text are caught in
    messages and in every domain error (a subclass defined elsewhere too); _(), gettext(), _() % {…}, a name and an
    attribute pass, and so do other exceptions."""
    tree = {
        "core/errors.py": (
            "class DomainError(Exception): pass\n"
            "class ValidationFailed(DomainError): pass\n"
            "class NotFound(DomainError): pass\n"
        ),
        "catalog/services.py": "from zhengwu.core.errors import ValidationFailed\nclass ItemInvalid(ValidationFailed): pass\n",
        "workbench/a.py": (
            'messages.success(request, "已保存")\n'
            'messages.info(request, f"已保存 {n} 条")\n'
            'messages.warning(request, "已保存 %(n)s 条" % {"n": n})\n'
            'messages.error(self.request, "已保存 {} 条".format(n))\n'
            'raise ValidationFailed("请填写名称", field="name")\n'
            'raise NotFound(f"找不到 {code}", field="code")\n'
            'raise DomainError("找不到 %s" % code)\n'
            'raise ItemInvalid([("name", _("找不到 {}").format(code))])\n'
            'raise PermissionDenied(message="无权操作")\n'
            'messages.success(request, _("已保存 %s 条") % n)\n'
            'raise NotFound(_(f"找不到 {code}"))\n'
            'messages.add_message(request, messages.INFO, "已保存")\n'
            'raise NotFound(message or "找不到")\n'
            'raise Http404("找不到该提醒")\n'
        ),
        "portal/b.py": (
            'messages.success(request, _("已保存"))\n'
            'messages.info(request, gettext("已保存 %(n)s 条") % {"n": n})\n'
            "messages.error(request, exc.message)\n"
            "messages.warning(request, message)\n"
            'raise ValidationFailed(_("请填写名称"), field="name")\n'
            'raise NotFound(gettext_lazy("找不到"))\n'
            'raise NotFound(_("找不到 %(code)s,完成 100%%") % {"code": code})\n'
            'raise ItemInvalid([("name", _("请填写名称"))])\n'
            "raise NotFound()\n"
            'raise ValueError(f"not read by a person: {x}")\n'
            'messages.success(request, _("已保存") if one else _("均已保存"))\n'
            'raise Http404(_("找不到该提醒"))\n'
            "raise Http404()\n"
        ),
    }
    for name, text in tree.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert _untranslated_texts(tmp_path) == {
        "workbench/a.py": [
            "1: messages.success (a literal)",
            "2: messages.info (an f-string)",
            "3: messages.warning ('…' % …)",
            "4: messages.error ('…'.format())",
            "5: ValidationFailed (a literal)",
            "6: NotFound (an f-string)",
            "7: DomainError ('…' % …)",
            "8: ItemInvalid ('…'.format())",
            "9: PermissionDenied (a literal)",
            "10: messages.success (a placeholder without a name)",
            "11: NotFound (gettext of a text made at run time)",
            "12: messages.add_message (a literal)",
            "13: NotFound (a literal)",
            "14: Http404 (a literal)",
        ]
    }


def test_the_sent_text_check_sees_each_kind_of_breach(tmp_path):
    """A text sent to a person — given to outbox.post, an outbox row, tell_applicant or a module's helper that hands
    it on — is caught when it is a literal, an f-string, '…' % x or .format(), there or in what it was made of: the
    variable's assignment in the function (or the module), a function of the module whose answer it is, the
    module's table it is looked up in, a worded value filling its placeholders or joined into it. _() with named
    placeholders, a parameter handed on, an address, a link or a date's format filling a placeholder pass, and so
    does the same helper's name in another module."""
    tree = {
        "evaluation/notices.py": (
            "def notice_text(notice):\n"
            '    return f"尚缺:{notice.lacking}"\n'
            "def send(notice, phone, email):\n"
            '    outbox.post("sms", phone, notice_text(notice))\n'
            '    outbox.post("email", email, _("告知书"), subject=f"告知书 {notice.number}")\n'
            '    text = "等候超时:" + notice.number\n'
            '    outbox.post("sms", phone, text, now=True)\n'
            '    body = _("告知书 %(n)s") % {"n": notice.number}\n'
            "    body += notice_text(notice)\n"
            "    outbox.post(channel, phone, body)\n"
            'MESSAGES = {"submit": "您的申请已收件,办件编号 {number}", "accept": _("您的申请 %(number)s 已受理")}\n'
            "def _text(case, event):\n"
            "    template = MESSAGES.get(event.action)\n"
            '    return "".join([template % {"number": case.number}, *extras])\n'
            "def tell(case, event, phone):\n"
            '    outbox.post("sms", phone, _text(case, event))\n'
            '    outbox.post("sms", phone, MESSAGES["accept"] % {"number": case.number})\n'
        ),
        "cases/notify.py": (
            'SUBJECT = "【政务服务】办件 {number}"\n'
            "def tell_applicant(case, text, *, subject):\n"
            '    body = _("%(to)s:%(text)s") % {"to": case.name, "text": text}\n'
            '    OutboxMessage(case=case, channel="email", recipient=case.email, body=body, subject=subject)\n'
            "    OutboxMessage(case=case, body=text, subject=SUBJECT.format(number=case.number))\n"
            "def correct(case):\n"
            '    tell_applicant(case, "收费已更正", subject=_("收费更正"))\n'
            '    tell_applicant(case, _("收费已更正 %s") % case.number, subject=_("收费更正"))\n'
            '    OutboxMessage.objects.create(case=case, body="您的办件 %s 已寄出" % case.number)\n'
        ),
        "hall/services.py": (
            "def _message(booking, body):\n"
            '    return outbox.post("sms", booking.phone, body)\n'
            "def remind(booking):\n"
            '    _message(booking, f"{booking.name}:提醒您明天办理")\n'
            '    _message(booking, _("%(name)s:提醒您明天办理") % {"name": booking.name})\n'
            "def _when(slot):\n"
            '    return f"{slot.start:%Y-%m-%d %H:%M}"\n'
            "def _where(window):\n"
            '    return f"{window.number}号{window.name}"\n'
            "def changed(booking, slot, window, fees):\n"
            '    _message(booking, _("您预约的 %(when)s 仍然有效") % {"when": _when(slot), "url": f"{base}/b/"})\n'
            '    _message(booking, _("请到%(where)s领取") % {"where": _where(window)})\n'
            '    changes = "；".join(f"{f.name} 更正为 {f.amount} 元" for f in fees)\n'
            '    _message(booking, _("已更正:%(changes)s") % {"changes": changes})\n'
        ),
        "supervision/tasks.py": (
            "def _message(case, level):\n"
            '    return f"【预警】办件 {case.number}"\n'
            "def push(case, user):\n"
            '    _message(case, "red")\n'
            "    text = _message(case, level)\n"
            '    outbox.post("email", user.email, text, subject=_("政务服务电子监察预警"))\n'
        ),
    }
    for name, text in tree.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert _untranslated_texts(tmp_path) == {
        "evaluation/notices.py": [
            "4: outbox.post (an f-string on line 2)",
            "5: outbox.post (an f-string)",
            "7: outbox.post (a literal on line 6)",
            "10: outbox.post (an f-string on line 2)",
            "16: outbox.post (a literal on line 11)",
            "17: outbox.post (a literal on line 11)",
        ],
        "cases/notify.py": [
            "5: OutboxMessage ('…'.format())",
            "7: tell_applicant (a literal)",
            "8: tell_applicant (a placeholder without a name)",
            "9: OutboxMessage.objects.create ('…' % …)",
        ],
        "hall/services.py": [
            "4: _message (an f-string)",
            "12: _message (an f-string on line 9)",
            "14: _message (an f-string on line 13)",
        ],
        "supervision/tasks.py": ["6: outbox.post (an f-string on line 2)"],
    }


# ---- text worded in Python goes through gettext (issue 13): no module words what a person reads — a page, a message,
# an error, a PDF's or a workbook's heading, an e-mail, an SMS (请A 0 0 1号到3号窗口办理, 账号或密码错误,还可尝试 2 次。,
# 2026 年 11 月政务服务效能监察通报 …) — as an f-string, '…' % x or '…'.format() with Chinese words of its own, which no
# translator sees: _("… %(name)s …") % {...}, the Chinese text unchanged. What is not for people — a command's or a
# periodic job's lines for the operator, an identifier, a pattern, demo data — stays, and WORDED_ALLOWED says where
# and why.

CJK = re.compile(r"[\u4e00-\u9fff]")
# Where worded text may be built without gettext, each with why: a file (relative to src; * matches across folders)
# or one function of a file ("file::function", a method "Class.method"). An entry that no longer allows anything fails
# the test, so the list only shrinks.
WORDED_ALLOWED: dict[str, str] = {
    "*/management/commands/*.py": "a command's output and errors, read by the operator at the console as a log is",
    "*/schedule.py": "a periodic job's one-line summary, which `zhengwu scheduled` logs for the operator",
    "core/audit.py::anchor_daily": "the daily anchor's one-line summary in `zhengwu scheduled`'s log, as schedule.py's",
    "*/demo.py": (
        "the demo loaders: the demo records' contents (data, as staff would have typed them) and the summary printed "
        "to the operator who loads them"
    ),
    "core/masking.py": "regular expressions (rf-strings) of the endings of Chinese place names, not text",
    "core/personal_data.py": "regular expressions (rf-strings) of the cue words and units found in free text, not text",
    "cases/notices.py::issue": "a notice's 文号 (…许字〔2026〕…号): an identifier in the official form, stored and quoted",
    "evaluation/notices.py::issue_notice": "a one-time notice's number (一次告〔2026〕000001号): an identifier, stored and quoted",
    "joint/services.py::_notice": "a joint notice's 文号 (…联受字〔2026〕1号): an identifier, stored and quoted",
    "fees/reconcile.py::reconcile": (
        "a discrepancy's reference (…#缴库, …#退付): the key it is stored under and found again by"
    ),
    "catalog/rules.py::window_label": (
        "a window reference in the catalogue's exchange form (Excel, JSON: …中心28号窗口), read back by "
        "parse_window_label"
    ),
    "hall/services.py::set_wait_recipients": "an audit record's summary: evidence kept as written, read by auditors as a log is",
    "hall/services.py::set_opening_hours": "an audit record's summary: evidence kept as written, read as a log is",
    "hall/services.py::follow_calendar": "an audit record's summary: evidence kept as written, read as a log is",
}


def _worded_as(node: ast.AST) -> str | None:
    """How `node` builds a text with Chinese words of its own outside gettext, or None."""

    def worded(part: ast.AST) -> bool:
        return isinstance(part, ast.Constant) and isinstance(part.value, str) and bool(CJK.search(part.value))

    if isinstance(node, ast.JoinedStr) and any(worded(part) for part in node.values):
        return "an f-string"
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and worded(node.left):
        return "'…' % …"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return "'…'.format()" if worded(node.func.value) else None
    return None


@functools.cache
def _source_trees(src: Path) -> tuple[tuple[str, ast.Module], ...]:
    """(file relative to src, syntax tree) of each source file, migrations aside: parsed once for the gettext checks
    (worded texts, constant texts and their exceptions), which only read the trees."""
    return tuple((name, tree) for name, tree in _all_trees(src) if "migrations" not in Path(name).parts)


def _worded_texts(src: Path = SRC) -> list[tuple[str, str, int, str]]:
    """(file relative to src, the function it is in — "" at the top level, a method "Class.method" —, line, how) for
    each text worded in Chinese outside gettext, migrations aside."""
    found = []

    def visit(node: ast.AST, name: str, where: str) -> None:
        for child in ast.iter_child_nodes(node):
            how = _worded_as(child)
            if how:
                found.append((name, where, child.lineno, how))
            inner = where
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                inner = f"{where}.{child.name}" if where else child.name
            visit(child, name, inner)

    for name, tree in _source_trees(src):
        visit(tree, name, "")
    return found


def _allowed_by(name: str, where: str, allowed: dict[str, str]) -> str | None:
    """The entry of `allowed` that lets the file `name`'s function `where` word text outside gettext, or None."""
    for key in allowed:
        file, _sep, function = key.partition("::")
        if fnmatch.fnmatchcase(name, file) and (not function or function == where):
            return key
    return None


def _worded_breaches(src: Path = SRC, allowed: dict[str, str] | None = None) -> dict[str, list[str]]:
    """File → "line: function (how)" for each worded text no entry of `allowed` (WORDED_ALLOWED) lets stay."""
    allowed = WORDED_ALLOWED if allowed is None else allowed
    found: dict[str, list[str]] = {}
    for name, where, line, how in _worded_texts(src):
        if _allowed_by(name, where, allowed) is None:
            found.setdefault(name, []).append(f"{line}: {where or '(module)'} ({how})")
    return found


def test_worded_text_goes_through_gettext():
    assert _worded_breaches() == {}, 'word it as _("… %(name)s …") % {...}, the Chinese text unchanged'


def test_every_worded_text_exception_is_still_needed():
    used = {_allowed_by(name, where, WORDED_ALLOWED) for name, where, _line, _how in _worded_texts()}
    assert [key for key in WORDED_ALLOWED if key not in used] == [], (
        "remove from WORDED_ALLOWED what no longer words"
    )


def test_the_worded_text_check_sees_each_kind_of_breach(tmp_path):
    """An f-string, '…' % x and '…'.format() with Chinese words are caught in every module — a selector, a view, a
    model's __str__, a form — at the top level, in a function and in a method; _() % {…}, an f-string without Chinese
    words and migrations pass; an allowed file, or an allowed function of a file, passes, and nothing else there."""
    for name, text in {
        "hall/selectors.py": 'a = f"请{n}号到{w}号窗口办理"\nb = f"{x}" + f"{y}:"\nc = _("今日休息")\n',
        "hall/slots.py": 'def label(day):\n    return f"{day.month}月{day.day}日"\n',
        "cases/selectors.py": 'e = {"label": f"「{step}」环节期限"}\nf = f"{d:%H:%M}"\n',
        "portal/cases/views.py": (
            "def sign_in(request):\n"
            '    form.fail(f"账号或密码错误{left}。")\n'
            '    form.fail("请 %s 分钟后再试" % minutes)\n'
            '    form.fail("还可尝试 {} 次".format(n))\n'
            '    form.fail(_("还可尝试 %(n)s 次") % {"n": n})\n'
        ),
        "evaluation/models.py": 'class Commitment:\n    def __str__(self):\n        return f"第{self.version}版"\n',
        "cases/migrations/0002_x.py": 'h = f"办件 {n}"\n',
        "cases/management/commands/cases.py": 'print(f"共 {n} 件视为受理")\n',
        "cases/notices.py": (
            'def _issue(case):\n    return f"{short}许字〔{year}〕{case.number}号"\n'
            'def _text(case):\n    return f"办件 {case.number}"\n'
        ),
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    allowed = {"*/management/commands/*.py": "the operator's", "cases/notices.py::_issue": "an identifier"}
    assert _worded_breaches(tmp_path, allowed) == {
        "cases/notices.py": ["4: _text (an f-string)"],
        "cases/selectors.py": ["1: (module) (an f-string)"],
        "evaluation/models.py": ["3: Commitment.__str__ (an f-string)"],
        "hall/selectors.py": ["1: (module) (an f-string)"],
        "hall/slots.py": ["2: label (an f-string)"],
        "portal/cases/views.py": [
            "2: sign_in (an f-string)",
            "3: sign_in ('…' % …)",
            "4: sign_in ('…'.format())",
        ],
    }


# ---- a plain text bound to a module-level name goes through gettext too (issue 13): the check above sees texts
# *worded* in code (formatted), not a plain Chinese sentence kept in a constant and shown as it is — a reveal's default
# reason (寄递送达结果), a default 补正 note, a row heading (网上缴款), a legal citation quoted on a page. Such a
# constant is gettext_lazy("…"), made a str where it is stored or sent. What is no text people read — a word matched
# in data, an identifier, a heading of an exchange format read back, a regular expression, demo data — stays, and
# CONSTANT_ALLOWED says where and why.

# A file (relative to src; * matches across folders), or one name of a file ("file::NAME"). An entry that no longer
# allows anything fails the test, so the list only shrinks.
CONSTANT_ALLOWED: dict[str, str] = {
    "*/demo.py": "demo data, as staff would have typed it",
    "tickets/demo_history.py": "demo data: the characters the demo's callers' names are made of",
    "core/masking.py": "regular expressions of the endings of Chinese place names and of what a name is made of",
    "core/personal_data.py": "regular expressions and the characters of provinces and numerals found in free text",
    "core/calendar.py::WEEKDAY_NAMES": "the characters a weekday's name is made of, inside a translated text",
    "fees/documents.py": (
        "the capital numerals and units an amount in words (大写) is written with (_DIGITS, _UNITS, _SECTIONS): "
        "characters, not text"
    ),
    "fees/standards.py": (
        "the fee standards the county's list is loaded from: data, as the catalogue records them (the approving "
        "documents as guides cite them, the collecting departments' names)"
    ),
    "cases/selectors.py::POWER_OF_ATTORNEY_MARK": "the word looked for in a material's name (…委托书…), not shown",
    "licences/services.py::NEW_APPLICATION": "the word looked for in an item's name (…新办…), not shown",
    "catalog/excel.py": (
        "the catalogue's exchange workbook: its sheet names, column headings and 是/否, written and matched when it is "
        "read back (docs/data-formats.md)"
    ),
    "licences/signing.py::ROOT_NAME": "the subject name of the platform's root certificate: an identifier in X.509",
    "licences/signing.py::TSA_NAME": "the subject name of its timestamp certificate: an identifier in X.509",
    "settings.py::OTP_TOTP_ISSUER": "the issuer an authenticator app shows: one name of the deployment, a setting",
    "api/calendar.py::_DATE": "the API's documentation (OpenAPI), in Chinese as every route's summary is",
    "api/calendar.py::_YEAR_BODY": "the API's documentation (OpenAPI's request body of a year), as _DATE",
    "api/urls.py::title=": "the API's title in its documentation (OpenAPI), as api/calendar.py::_DATE",
    "api/ckan/datasets.py::LICENSE": "the CKAN licence record of every dataset: open data's metadata, as its tags",
    "tickets/open311.py::ATTRIBUTES": (
        "Open311's service definition (GeoReport v2): the API's documentation of each attribute, as OpenAPI's"
    ),
    "cases/forms.py::DEFAULT_FORM": (
        "the default application form's JSON Schema, stored with each item as data: its field titles are the "
        "catalogue's data as every item's own schema is (docs/data-formats.md, form_schema)"
    ),
    "cases/notices.py::_PREFIX": "the character of a notice's 文号 (…许字〔2026〕…号): part of an identifier",
    "catalog/search.py::_STOP": "the words a search leaves out of the query: matched in what was typed, not shown",
    "disclosure/services.py::STATUTORY_CATALOGUE": (
        "the areas 条例 第二十条 requires, written once into each organisation's catalogue as its rows (data, edited "
        "there)"
    ),
    "evaluation/rules.py::TAGS": (
        "the national 好差评 tags: a rating stores the tag chosen as its text and the statistics count by it"
    ),
    "fees/reconcile.py::KINDS": "the kinds of a bank statement's line (收款, 缴库, 退付), matched when it is read",
    "fees/reconcile.py::COLUMNS": "the column headings of a bank statement CSV, matched when it is read",
    "hall/delivery.py::POSTAL_CARRIERS": "carriers' own names (中国邮政), stored as the waybill's carrier",
    "hall/delivery.py::CARRIERS": "carriers' own names (顺丰速运), stored as the waybill's carrier",
    "portal/disclosure/forms.py::choices=": (
        "the delivery choices' values are the words stored on the request (电子邮件); their labels are translated"
    ),
    "portal/views.py::PERSONAL_TOPICS": (
        "the word each home-page tile searches the catalogue for (户籍), matched in its data; the labels are translated"
    ),
    "portal/views.py::BUSINESS_TOPICS": "the word each tile searches for, as PERSONAL_TOPICS",
    "settings.py::LANGUAGES": "a language's own name (简体中文), shown as itself in every language",
    "*/management/commands/*.py": (
        "a command's help (Command.help), read by the operator at the console as the command's output is "
        "(WORDED_ALLOWED)"
    ),
    "api/ckan/datasets.py::ItemSource.tag": (
        "a CKAN tag of the open-data catalogue: a name clients filter by (fq=tags:…) and matched when asked, as data"
    ),
    "api/ckan/datasets.py::PublicationSource.tag": "a CKAN tag, as ItemSource.tag",
    "api/ckan/datasets.py::StatisticsSource.tags": "CKAN tags, as ItemSource.tag",
}


def _plain_text(value: ast.AST | None) -> bool:
    return isinstance(value, ast.Constant) and isinstance(value.value, str) and bool(CJK.search(value.value))


# What makes a container of what it is given: frozenset({"…"}), tuple([...]), MappingProxyType({...}).
_CONTAINER_CALLS = {"frozenset", "set", "tuple", "list", "dict", "MappingProxyType", "OrderedDict"}


def _held_text(value: ast.AST | None) -> bool:
    """Whether `value` is, or holds at any depth, a plain Chinese text: a string; a key or value of a dict (a labels
    map, {"hearing": "听证"}); an item of a list, tuple or set (choices, [("a", "甲"), …]); what frozenset(), tuple()
    … make of one. gettext_lazy("…") and any other call's answer hold none."""
    if _plain_text(value):
        return True
    if isinstance(value, ast.Dict):
        return any(_held_text(part) for part in (*value.keys, *value.values) if part is not None)
    if isinstance(value, (ast.Tuple, ast.List, ast.Set)):
        return any(_held_text(element) for element in value.elts)
    if isinstance(value, ast.Call) and _called(value.func) in _CONTAINER_CALLS:
        return any(_held_text(arg) for arg in value.args) or any(_held_text(k.value) for k in value.keywords)
    return False


def _class_text(value: ast.AST | None) -> bool:
    """Whether a class attribute's value is a plain Chinese text or holds one (_held_text: a choice's label,
    "accepted", "已受理"; choices, [("a", "甲"), …]; error_messages, {"required": "…"}); a dataclass field's default
    (field(default="…"))."""
    if _held_text(value):
        return True
    if isinstance(value, ast.Call):
        called = value.func.attr if isinstance(value.func, ast.Attribute) else getattr(value.func, "id", "")
        return called == "field" and any(k.arg == "default" and _plain_text(k.value) for k in value.keywords)
    return False


# Keyword arguments whose text reaches people: a model's or field's name (verbose_name), a form field's label, help
# and choices, a message, a title, the reason or note a page or an event shows. Not the API's documentation
# (summary=, description=: the OpenAPI text, in Chinese as CONSTANT_ALLOWED's api/calendar.py::_DATE says), nor data
# (default=, initial=: a value stored or matched).
PEOPLE_KEYWORDS = frozenset(
    {
        "verbose_name",
        "verbose_name_plural",
        "label",
        "help_text",
        "message",
        "empty_label",
        "error_messages",
        "choices",
        "placeholder",
        "title",
        "reason",
        "note",
    }
)


def _keyword_texts(tree: ast.Module) -> list[tuple[str, int]]:
    """("keyword=", line) for each argument of PEOPLE_KEYWORDS given a plain Chinese text (or a container of one), and
    ("Field(…)", line) for a field's name given as its first argument (models.CharField("名称", …))."""
    found = []
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        for keyword in call.keywords:
            if keyword.arg in PEOPLE_KEYWORDS and _held_text(keyword.value):
                found.append((f"{keyword.arg}=", keyword.value.lineno))
        called = _called(call.func) or ""
        if called.endswith("Field") and call.args and _plain_text(call.args[0]):
            found.append((f"{called}(…)", call.args[0].lineno))
    return found


@functools.cache
def _constant_texts(src: Path = SRC) -> tuple[tuple[str, str, int], ...]:
    """(file relative to src, name, line) for each name bound to a plain string with Chinese words, or to a container
    holding one (a labels map, a list of choices: _held_text), at module level (NAME; A, B = … names both) or in a
    class body — a class attribute or a dataclass field's default, "Class.name" (a nested class "Outer.Inner.name",
    one made in a function "function.Class.name") —, and for each keyword argument that reaches people given such a
    text anywhere ("label=", "verbose_name=": _keyword_texts) — migrations aside."""
    found = []

    def bound(node: ast.AST) -> list[ast.expr]:
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets = [node.target]
        else:
            return []
        return [
            name for t in targets for name in (t.elts if isinstance(t, (ast.Tuple, ast.List)) else [t])
        ]  # A, B = "甲", "乙": both names

    def visit(node: ast.AST, name: str, where: str, scope: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                continue  # no statement inside
            targets = bound(child)
            if scope == "module" and targets and _held_text(child.value):
                found.extend((name, t.id, child.lineno) for t in targets if isinstance(t, ast.Name))
            elif scope == "class" and targets and _class_text(child.value):
                found.extend(
                    (name, f"{where}.{t.id}", child.lineno) for t in targets if isinstance(t, ast.Name)
                )
            if isinstance(child, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                # a function's own names are no constants; a class's are, wherever it is made
                inner = "class" if isinstance(child, ast.ClassDef) else "function"
                visit(child, name, f"{where}.{child.name}" if where else child.name, inner)
            else:
                visit(child, name, where, scope)  # the body of an if, a try, a with at the same level

    for name, tree in _source_trees(src):
        visit(tree, name, "", "module")
        found.extend((name, keyword, line) for keyword, line in _keyword_texts(tree))
    return tuple(found)  # read by two tests: walked once


# Texts people read that still skip gettext, each with why (not an exception like CONSTANT_ALLOWED's: work left). An
# entry no longer needed fails the test, so the list only shrinks.
CONSTANT_KNOWN: dict[str, str] = {}  # none left (2026-12-07: the catalogue's code labels converted)


def _constant_breaches(src: Path = SRC, allowed: dict[str, str] | None = None) -> dict[str, list[str]]:
    """File → "line: NAME" for each constant text no entry of `allowed` (CONSTANT_ALLOWED and CONSTANT_KNOWN) lets
    stay plain."""
    allowed = {**CONSTANT_ALLOWED, **CONSTANT_KNOWN} if allowed is None else allowed
    found: dict[str, list[str]] = {}
    for name, constant, line in _constant_texts(src):
        if _allowed_by(name, constant, allowed) is None:
            found.setdefault(name, []).append(f"{line}: {constant}")
    return {name: sorted(lines, key=lambda line: int(line.split(":")[0])) for name, lines in found.items()}


def test_constant_texts_go_through_gettext():
    assert _constant_breaches() == {}, (
        'make it NAME = gettext_lazy("…"), str(NAME) where it is stored or sent'
    )


def test_every_constant_text_exception_is_still_needed():
    both = {**CONSTANT_ALLOWED, **CONSTANT_KNOWN}
    used = {_allowed_by(name, constant, both) for name, constant, _line in _constant_texts()}
    assert [key for key in both if key not in used] == [], (
        "remove from CONSTANT_ALLOWED (or CONSTANT_KNOWN) what no longer holds a plain Chinese text"
    )


def test_the_constant_text_check_sees_each_form(tmp_path):
    """A plain Chinese string bound at module level — one line, implicitly joined over several, annotated, inside an
    if — or in a class body — a class attribute (a rule's title), a nested class's, a class made in a function, a
    dataclass field's default, a choice's label in a tuple or a list of pairs — is caught; gettext_lazy("…"), a string
    without Chinese words, a function's own names, an f-string (the worded check's), migrations and an allowed file
    or name ("file::Class.name") pass."""
    for name, text in {
        "hall/views.py": 'REASON = "寄递送达结果"\nLAZY = gettext_lazy("寄递送达结果")\nCODE = "posted"\n',
        "joint/rules.py": 'CAP = (\n    "依照本法第二十六条的规定,"\n    "可以延长十五日。"\n)\nNOTE: str = "未注明乡镇"\n',
        "tickets/hot.py": (
            'def heat():\n    unnamed = "未注明乡镇"\n'
            'class Rule:\n    title = "超期"\n    lazy = _lazy("超期")\n    code = "late"\n'
            '    def check(self):\n        said = "超期"\n'
            '    class Meta:\n        verbose_name = "规则"\n'
            'F = f"{n}号"\n'
        ),
        "supervision/rules.py": (
            'if DEBUG:\n    HINT = "调试"\n'
            'def make():\n    class Local:\n        label = "临时"\n'
            '@dataclass\nclass Row:\n    level: str = "黄牌"\n    note: str = field(default="无")\n'
            '    lazy: str = field(default_factory=lambda: "无")\n'
            'class Kind:\n    RED = "red", "红牌"\n    CHOICES = [("y", "黄牌")]\n    CODES = ("red", "y")\n'
        ),
        "cases/migrations/0002_x.py": 'NAME = "授权委托书"\nclass Migration:\n    label = "办件"\n',
        "cases/selectors.py": 'MARK = "委托书"\nNAME = "授权委托书"\nclass Source:\n    tag = "办件"\n    name = "办件"\n',
        "core/masking.py": '_NAME = r"[^路街道]"\nclass Masks:\n    END = "路街道"\n',
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    allowed = {
        "core/masking.py": "regular expressions",
        "cases/selectors.py::MARK": "a word matched in data",
        "cases/selectors.py::Source.tag": "an identifier",
    }
    assert _constant_breaches(tmp_path, allowed) == {
        "cases/selectors.py": ["2: NAME", "5: Source.name"],
        "hall/views.py": ["1: REASON"],
        "joint/rules.py": ["1: CAP", "5: NOTE"],
        "supervision/rules.py": [
            "2: HINT",
            "5: make.Local.label",
            "8: Row.level",
            "9: Row.note",
            "12: Kind.RED",
            "13: Kind.CHOICES",
        ],
        "tickets/hot.py": ["4: Rule.title", "10: Rule.Meta.verbose_name"],
    }


def test_the_constant_text_check_sees_containers_and_keyword_arguments(tmp_path):
    """Chinese text kept in a module's or a class's container — a labels map's value (or key), a list of choices, a
    tuple, a set, frozenset({…}), nested — and given to a keyword argument that reaches people (verbose_name=, label=,
    help_text=, message=, error_messages=, choices=, note=, reason=) or as a field's name (models.CharField("名称")),
    anywhere, is caught; gettext_lazy("…") in a container, a container without Chinese words, the API's documentation
    (summary=, description=) and data (default=, initial=) pass, and an allowed name ("file::label=") passes."""
    for name, text in {
        "supervision/levels.py": (
            'LABELS = {"normal": "正常", "red": gettext_lazy("超期")}\n'
            'LAZY = {"normal": gettext_lazy("正常")}\n'
            'CODES = {"normal": "n", "red": "r"}\n'
            'KINDS = {"收款": "receipt"}\n'
            'NESTED = {"a": {"title": "督办工单"}}\n'
            'PAIRS = [("a", "甲"), ("b", gettext_lazy("乙"))]\n'
            'WORDS = frozenset({"的", "了"})\n'
            'A, B = "事项", "材料"\n'
        ),
        "cases/models.py": (
            "class Case(models.Model):\n"
            '    name = models.CharField("名称", max_length=10)\n'
            '    kind = models.CharField(_("类别"), choices=[("a", "甲")], max_length=1)\n'
            '    note = models.CharField(verbose_name="备注", help_text=_("选填"), default="无")\n'
            "    class Meta:\n"
            '        labels = {"note": "备注"}\n'
        ),
        "portal/views.py": (
            "def view(request):\n"
            '    ratelimit.limit(request, message="过于频繁")\n'
            '    form = forms.CharField(label="姓名", initial="网上查看", error_messages={"required": "请填写"})\n'
            '    record(note="历史记录导入", reason=_("超期"))\n'
        ),
        "api/cases.py": '@router.post("/x", summary="作出决定", description="准予或不予")\ndef x(): ...\n',
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert _constant_breaches(tmp_path, {"portal/views.py::label=": "allowed"}) == {
        "cases/models.py": [
            "2: CharField(…)",
            "3: choices=",
            "4: verbose_name=",
            "6: Case.Meta.labels",
        ],
        "portal/views.py": ["2: message=", "3: error_messages=", "4: note="],
        "supervision/levels.py": [
            "1: LABELS",
            "4: KINDS",
            "5: NESTED",
            "6: PAIRS",
            "7: WORDS",
            "8: A",
            "8: B",
        ],
    }
