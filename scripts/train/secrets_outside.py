#!/usr/bin/env python3
"""scripts/train/secrets_outside.py — labelled secrets fixtures from outside the development set, for measuring only.

`../shared/eval/secrets_dev.jsonl` is part of the test fixtures of gitleaks' rules (cmd/generate/config/rules/*.go:
each rule's true positives `tps`, label 1, and false positives `fps`, label 0; detector "gitleaks:RULE-ID") and of
detect-secrets' plugin tests (tests/plugins/*_test.py: `pytest.mark.parametrize` cases and keyword_test.py's module
lists; detector the file's stem, "keyword:LIST" for the keyword lists). This reads those files again from bare clones
under --mirror (OWNER+NAME/repo, HEAD) and writes every row it can evaluate in the dev file's format, then the rows
whose text is not a dev row's text: the nearest stand-in for the team's held-out half. The detector was never built
against these rows; keep it so: read the figures, do not tune on the misses. The files stay out of the repository;
nothing here embeds a fixture. At gitleaks b58d3f1 and detect-secrets 5e14193 all 425 dev rows are reproduced (text,
label and detector), which the script checks and prints per source file.

What counts as a row, as the dev file's rows show it: Go string literals and `+` chains of them (a local or package
variable bound to one is followed), the literal secret of `utils.GenerateSampleSecret(s)(id, SECRET)` as a bare secret
(kind "bare_secret", the others "literal"), and the values of `map[path]text` fixtures; anything built by a call
(secrets.NewSecret, fmt.Sprintf, ...) is skipped and counted. In the Python tests a case is a tuple whose first
element is a str constant and whose second is a bool (the label) or, in keyword_test.py, the expected secret or None
(label 1 when not None). Templates are filled from the module's str constants (`'...'.format(SECRET)`, +, %,
slices), as the dev file's keyword and aws_key rows are; `.format(name=CONST)` cases are skipped unless
--format-keywords (the dev file holds none of the ~100 in cloudant, ibm_cloud_iam, ibm_cos_hmac and softlayer, so
the split most likely left them out). A one-argument parametrize of bare strings (slack, private_key, square_oauth)
asserts a finding: label 1. ip_public_test.py (public IP addresses, not secrets; none of its 17 cases is a dev row)
and high_entropy_strings_test.py ('{secret}' templates) are left out. A text given both labels by one detector
(gitleaks' path-dependent fixtures) is dropped; a text two detectors label differently (a true positive of one rule
that another must not flag) is kept as a positive; otherwise each text is kept once, first seen (detect-secrets
first, as in the dev file).

  secrets_all.jsonl      every row extracted (`text`, `label`, `source`, `detector`, and `kind` for gitleaks)
  secrets_heldout.jsonl  the rows whose text is not a dev row's text

    python3 scripts/train/secrets_outside.py --out /tmp/secrets-outside
    ./railgate eval railgate.secrets /tmp/secrets-outside/secrets_heldout.jsonl --errors 60
"""
import argparse
import ast
import collections
import json
import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GITLEAKS = ("gitleaks+gitleaks", "gitleaks/gitleaks", "cmd/generate/config/rules/")
DETECT_SECRETS = ("Yelp+detect-secrets", "Yelp/detect-secrets", "tests/plugins/")
PY_EXCLUDED = {"ip_public_test.py": "public IP addresses, not secrets (none of its 17 cases is in the dev file)",
               "high_entropy_strings_test.py": "its cases are '{secret}' templates the test fills per plugin"}

# --- reading the mirrors ---------------------------------------------------------------------------------------


def git(mirror, repo, *args):
    gd = os.path.join(mirror, repo, "repo")
    if not os.path.isdir(gd):
        raise SystemExit("%s is missing: fetch %s first" % (gd, repo.replace("+", "/")))
    return subprocess.run(["git", "--git-dir=" + gd] + list(args), check=True, capture_output=True).stdout


def files(mirror, spec, suffix):
    repo, _, under = spec
    names = git(mirror, repo, "ls-tree", "-r", "--name-only", "HEAD", under).decode().split("\n")
    return [(p, git(mirror, repo, "show", "HEAD:" + p).decode("utf-8")) for p in sorted(names) if p.endswith(suffix)]


# --- Go: tokens -----------------------------------------------------------------------------------------------

GO_OPS = sorted("... := == != <= >= && || <- ++ -- += -= *= /= << >> &^ + - * / % & | ^ < > = ! ( ) [ ] { } , ; . :"
                .split(), key=len, reverse=True)
GO_SIMPLE_ESC = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92, "'": 39, '"': 34}
GO_BINARY = {"+", "-", "*", "/", "%", "|", "&", "^", "<<", ">>", "&^", "==", "!=", "<", "<=", ">", ">=", "&&", "||"}


def go_unquote(body):
    """The value of an interpreted Go string literal's body (escapes decoded; \\x and octal are bytes)."""
    out, i = bytearray(), 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out += c.encode("utf-8")
            i += 1
            continue
        e = body[i + 1]
        if e in GO_SIMPLE_ESC:
            out.append(GO_SIMPLE_ESC[e])
            i += 2
        elif e == "x":
            out.append(int(body[i + 2:i + 4], 16))
            i += 4
        elif e in "uU":
            n = 4 if e == "u" else 8
            out += chr(int(body[i + 2:i + 2 + n], 16)).encode("utf-8")
            i += 2 + n
        elif e in "01234567":
            out.append(int(body[i + 1:i + 4], 8))
            i += 4
        else:
            raise ValueError("bad escape \\" + e)
    return out.decode("utf-8", "surrogateescape")


def go_tokens(src):
    """(kind, value, line) for each token; kinds: str, ident, num, rune, op, and a last eof. No comments."""
    toks, i, line, n = [], 0, 1, len(src)
    while i < n:
        c = src[i]
        if c == "\n":
            line += 1
            i += 1
        elif c.isspace():
            i += 1
        elif src.startswith("//", i):
            i = src.find("\n", i) if "\n" in src[i:] else n
        elif src.startswith("/*", i):
            j = src.index("*/", i) + 2
            line += src.count("\n", i, j)
            i = j
        elif c == "`":
            j = src.index("`", i + 1)
            toks.append(("str", src[i + 1:j].replace("\r", ""), line))
            line += src.count("\n", i, j)
            i = j + 1
        elif c in "\"'":
            j = i + 1
            while src[j] != c:
                j += 2 if src[j] == "\\" else 1
            toks.append(("str" if c == '"' else "rune", go_unquote(src[i + 1:j]) if c == '"' else src[i:j + 1], line))
            i = j + 1
        elif c.isalpha() or c == "_":
            m = re.compile(r"\w+").match(src, i)
            toks.append(("ident", m.group(), line))
            i = m.end()
        elif c.isdigit():
            m = re.compile(r"[\w.]+").match(src, i)
            toks.append(("num", m.group(), line))
            i = m.end()
        else:
            op = next(o for o in GO_OPS if src.startswith(o, i))
            toks.append(("op", op, line))
            i += len(op)
    return toks + [("eof", "", line + 1)]


# --- Go: expressions ------------------------------------------------------------------------------------------
# Nodes: ("str", s) ("ident", name) ("sel", x, name) ("call", f, args, spread) ("comp", elems) ("kv", k, v)
# ("bin", op, l, r) ("other",)


class GoParser:
    def __init__(self, toks, pos):
        self.t, self.i = toks, pos

    def peek(self, k=0):
        j = self.i + k
        return self.t[j][1] if j < len(self.t) else None

    def take(self, want=None):
        tok = self.t[self.i]
        if want is not None and tok[1] != want:
            raise ValueError("expected %r, got %r at line %d" % (want, tok[1], tok[2]))
        self.i += 1
        return tok

    def skip_balanced(self):
        close = {"(": ")", "[": "]", "{": "}"}[self.take()[1]]
        depth = 1
        while depth:
            kind, v, _ = self.take()
            if kind == "op" and v in ("(", "[", "{"):
                depth += 1
            elif kind == "op" and v in (")", "]", "}"):
                depth -= 1
        return close

    def expr(self):
        left = self.unary()
        while self.t[self.i][0] == "op" and self.peek() in GO_BINARY:
            op = self.take()[1]
            left = ("bin", op, left, self.unary())
        return left

    def unary(self):
        if self.t[self.i][0] == "op" and self.peek() in ("-", "+", "!", "^", "*", "&", "<-"):
            self.take()
            self.unary()
            return ("other",)
        return self.postfix(self.primary())

    def go_type(self):
        v = self.peek()
        if v in ("*",):
            self.take()
            return self.go_type()
        if v == "[":
            self.skip_balanced()
            return self.go_type()
        if v == "map":
            self.take()
            self.skip_balanced()
            return self.go_type()
        if v in ("struct", "interface"):
            self.take()
            self.skip_balanced()
            return
        if v == "func":
            self.take()
            self.skip_balanced()
            return
        self.take()
        if self.peek() == ".":
            self.take()
            self.take()

    def primary(self):
        kind, v, _ = self.t[self.i]
        if kind == "str":
            self.take()
            return ("str", v)
        if kind in ("num", "rune"):
            self.take()
            return ("other",)
        if v == "func":
            self.take()
            self.skip_balanced()
            while self.peek() != "{":
                self.skip_balanced() if self.peek() in ("(", "[") else self.take()
            self.skip_balanced()
            return ("other",)
        if v in ("[", "map", "struct"):
            self.go_type()
            return self.composite() if self.peek() == "{" else ("other",)
        if v == "(":
            self.take()
            x = self.expr()
            self.take(")")
            return x
        if kind == "ident":
            self.take()
            return ("ident", v)
        raise ValueError("unexpected %r at line %d" % (v, self.t[self.i][2]))

    def postfix(self, x):
        while True:
            v = self.peek()
            if v == "." and self.t[self.i + 1][0] == "ident":
                self.take()
                x = ("sel", x, self.take()[1])
            elif v == "." and self.peek(1) == "(":
                self.take()
                self.skip_balanced()
                x = ("other",)
            elif v == "(":
                x = self.call(x)
            elif v == "[":
                self.skip_balanced()
                x = ("other",)
            elif v == "{" and x[0] in ("ident", "sel"):
                x = self.composite()
            else:
                return x

    def call(self, f):
        self.take("(")
        args, spread = [], False
        while self.peek() != ")":
            args.append(self.expr())
            if self.peek() == "...":
                self.take()
                spread = True
            if self.peek() == ",":
                self.take()
        self.take(")")
        return ("call", f, args, spread)

    def element(self):
        return self.composite() if self.peek() == "{" else self.expr()

    def composite(self):
        self.take("{")
        elems = []
        while self.peek() != "}":
            e = self.element()
            if self.peek() == ":":
                self.take()
                e = ("kv", e, self.element())
            elems.append(e)
            if self.peek() == ",":
                self.take()
        self.take("}")
        return ("comp", elems)


def go_functions(toks):
    """(name, first token, end token) of each top-level func body."""
    out, i, depth = [], 0, 0
    while i < len(toks):
        kind, v, _ = toks[i]
        if kind == "op" and v in "{}":
            depth += 1 if v == "{" else -1
        elif depth == 0 and kind == "ident" and v == "func":
            name = toks[i + 1][1]
            j = i
            while toks[j][1] != "{":
                j += 1
            p = GoParser(toks, j)
            p.skip_balanced()
            out.append((name, j + 1, p.i - 1))
            i = p.i
            continue
        i += 1
    return out


def go_package_vars(toks):
    """{name: expr node} of the top-level `var` and `const` declarations that have a value."""
    out, i, depth = {}, 0, 0
    while i < len(toks):
        kind, v, _ = toks[i]
        if kind == "op" and v in "{}":
            depth += 1 if v == "{" else -1
        elif depth == 0 and kind == "ident" and v in ("var", "const"):
            group = toks[i + 1][1] == "("
            i += 2 if group else 1
            while toks[i][0] == "ident":
                j = i + 1
                while toks[j][2] == toks[i][2] and toks[j][1] != "=":
                    j += 1
                if toks[j][1] == "=":
                    p = GoParser(toks, j + 1)
                    try:
                        out[toks[i][1]] = p.expr()
                    except (ValueError, IndexError):
                        pass
                    j = max(p.i, j + 1)
                i = j + (toks[j][1] == ";")
                if not group:
                    break
            continue
        i += 1
    return out


def go_assignments(toks, start, end):
    """(name, expr node or None when unparsable) for each `NAME := EXPR` / `NAME = EXPR` statement, in order."""
    i = start
    while i < end:
        kind, v, line = toks[i]
        first = toks[i - 1][2] != line or toks[i - 1][1] in ("{", "}", ";")
        if kind == "ident" and first and toks[i + 1][1] in (":=", "=") and toks[i + 2][1] != "range":
            p = GoParser(toks, i + 2)
            try:
                node = p.expr()
            except (ValueError, IndexError):
                node = None
            yield v, node
            i = max(p.i, i + 1)
            continue
        i += 1


def callee(node):
    if node[0] == "call" and node[1][0] == "sel":
        return node[1][2]
    if node[0] == "call" and node[1][0] == "ident":
        return node[1][1]
    return None


class GoRule:
    """Evaluates one rule function's fixtures: the strings it can compute, and a list of the entries it cannot."""

    def __init__(self, package_vars):
        self.env, self.lists, self.skipped = dict(package_vars), {}, []

    def text(self, node, depth=0):
        if node is None or depth > 20:
            return None
        if node[0] == "str":
            return node[1]
        if node[0] == "bin" and node[1] == "+":
            a, b = self.text(node[2], depth + 1), self.text(node[3], depth + 1)
            return None if a is None or b is None else a + b
        if node[0] == "ident" and node[1] in self.env:
            return self.text(self.env[node[1]], depth + 1)
        return None

    def item(self, node):
        s = self.text(node)
        if s is not None:
            return [(s, "literal")]
        if callee(node) == "GenerateSampleSecret" and len(node[2]) == 2:
            s = self.text(node[2][1])
            if s is not None:
                return [(s, "bare_secret")]
        self.skipped.append(describe(node))
        return []

    def items(self, node):
        if node is None:
            self.skipped.append("(unparsed)")
            return []
        if node[0] == "comp":
            return [x for e in node[1] for x in self.item(e[2] if e[0] == "kv" else e)]
        if node[0] == "ident" and node[1] == "nil":
            return []
        if node[0] == "ident" and node[1] in self.lists:
            return list(self.lists[node[1]])
        if node[0] == "ident" and node[1] in self.env:
            return self.items(self.env[node[1]])
        name = callee(node)
        if name == "append" and node[2]:
            args = node[2]
            out = self.items(args[0])
            rest = args[1:-1] if node[3] else args[1:]
            for a in rest:
                out += self.item(a)
            if node[3] and len(args) > 1:
                out += self.items(args[-1])
            return out
        if name == "GenerateSampleSecrets" and len(node[2]) == 2:
            s = self.text(node[2][1])
            if s is not None:
                return [(s, "bare_secret")]
        self.skipped.append(describe(node))
        return []


def describe(node):
    """A short name for an entry that could not be evaluated."""
    if node[0] == "call":
        return "%s(%s)" % (callee(node), ", ".join(describe(a) for a in node[2]))
    if node[0] == "bin":
        return "%s %s %s" % (describe(node[2]), node[1], describe(node[3]))
    if node[0] == "str":
        return repr(node[1][:12] + ("…" if len(node[1]) > 12 else ""))
    return node[-1] if node[0] in ("ident", "sel") else node[0]


def gitleaks_rows(path, toks, package_vars):
    """Rows of one rules file, and the fixture entries that could not be evaluated."""
    rows, skipped = [], []
    for _, start, end in go_functions(toks):
        rule_id = next((toks[k + 2][1] for k in range(start, end) if toks[k][1] == "RuleID"
                        and toks[k + 1][1] == ":" and toks[k + 2][0] == "str"), None)
        ev = GoRule(package_vars)
        for name, node in go_assignments(toks, start, end):
            if name in ("tps", "fps"):
                ev.lists[name] = ev.items(node)
            elif node is not None:
                ev.env[name] = node
        if rule_id is None:
            continue
        skipped += ev.skipped
        for name, label in (("tps", 1), ("fps", 0)):
            for text, kind in ev.lists.get(name, []):
                rows.append({"text": text, "label": label, "source": GITLEAKS[1] + ":" + path,
                             "detector": "gitleaks:" + rule_id, "kind": kind})
    return rows, skipped


# --- Python tests ---------------------------------------------------------------------------------------------


def py_value(node, consts, kw_format=False):
    """The str a node evaluates to from str constants and the module's str constants (names, +, %, slices,
    '...'.format(positional, ...); keyword arguments to format only when kw_format), or None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name) and node.id in consts:
        return consts[node.id]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        a, n = py_value(node.left, consts, kw_format), py_int(node.right)
        return None if a is None or n is None or n is False else a * n
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        a = py_value(node.left, consts, kw_format)
        if isinstance(node.op, ast.Add):
            b = py_value(node.right, consts, kw_format)
            return None if a is None or b is None else a + b
        args = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
        vals = [py_value(x, consts, kw_format) for x in args]
        return None if a is None or None in vals else a % tuple(vals)
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
        s = py_value(node.value, consts, kw_format)
        lo, hi = (py_int(node.slice.lower), py_int(node.slice.upper))
        return None if s is None or lo is False or hi is False else s[lo:hi]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        fmt = py_value(node.func.value, consts, kw_format)
        args = [py_value(a, consts, kw_format) for a in node.args]
        kw = {k.arg: py_value(k.value, consts, kw_format) for k in node.keywords}
        if fmt is None or None in args or None in kw.values() or None in kw or (kw and not kw_format):
            return None
        return fmt.format(*args, **kw)
    return None


def py_int(node):
    if node is None:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    return False


def py_consts(tree):
    consts = {}
    for st in tree.body:
        if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name):
            v = py_value(st.value, consts, True)
            if v is not None:
                consts[st.targets[0].id] = v
    return consts


def py_label(node, consts):
    """The label a case's second element gives: bool → 0/1; an expected secret → 1; None → 0."""
    if isinstance(node, ast.Constant) and isinstance(node.value, bool):
        return int(node.value)
    if isinstance(node, ast.Constant) and node.value is None:
        return 0
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return 1
    if isinstance(node, ast.Name) and node.id in consts:
        return 1
    return None


def is_parametrize(node):
    f = node.func
    return isinstance(f, ast.Attribute) and f.attr == "parametrize" and ast.unparse(f.value) == "pytest.mark"


def py_cases(tree):
    """(list name or None, argument count, case nodes) for each parametrize list and module-level case list."""
    for st in tree.body:
        if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name) \
                and isinstance(st.value, ast.List) and any(isinstance(e, ast.Tuple) for e in st.value.elts):
            yield st.targets[0].id, 2, st.value.elts
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and is_parametrize(node) and len(node.args) >= 2 \
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[1], (ast.List, ast.Tuple)):
            yield None, len(node.args[0].value.split(",")), node.args[1].elts


def detect_secrets_rows(path, src, kw_format):
    """Rows of one plugin test file, and how many cases could not be evaluated."""
    tree, base = ast.parse(src), os.path.basename(path)
    stem = base[:-len("_test.py")]
    consts, rows, skipped = py_consts(tree), [], []
    for list_name, nargs, elts in py_cases(tree):
        detector = stem + (":" + list_name if list_name and stem == "keyword" else "")
        for e in elts:
            if isinstance(e, ast.Tuple) and len(e.elts) >= 2:
                text_node, label = e.elts[0], py_label(e.elts[1], consts)
            elif nargs == 1 and not isinstance(e, ast.Tuple):
                text_node, label = e, 1
            else:
                continue
            if label is None or isinstance(text_node, ast.Attribute) or (
                    isinstance(text_node, ast.Constant) and not isinstance(text_node.value, str)):
                continue  # not a (payload, expectation) case: another kind of test table
            text = py_value(text_node, consts, kw_format)
            if text is None:
                skipped.append(ast.unparse(text_node))
                continue
            rows.append({"text": text, "label": label, "source": DETECT_SECRETS[1] + ":" + path, "detector": detector})
    return rows, skipped


# --- putting it together --------------------------------------------------------------------------------------


def extract(mirror, kw_format, verbose):
    """All rows, per-file skip counts, and the texts dropped for carrying both labels."""
    per_file, skipped = [], collections.Counter()
    for path, src in files(mirror, DETECT_SECRETS, "_test.py"):
        if os.path.basename(path) in PY_EXCLUDED:
            print("left out %s: %s" % (path, PY_EXCLUDED[os.path.basename(path)]))
            continue
        rows, cases = detect_secrets_rows(path, src, kw_format)
        per_file.append(rows)
        skipped[DETECT_SECRETS[1] + ":" + path] = len(cases)
        for c in cases if verbose else ():
            print("  skipped in %s: %s" % (path, c[:110].replace("\n", " ")))
    go_files = [(path, go_tokens(src)) for path, src in files(mirror, GITLEAKS, ".go")]
    package_vars = {k: v for _, toks in go_files for k, v in go_package_vars(toks).items()}
    for path, toks in go_files:
        rows, entries = gitleaks_rows(path, toks, package_vars)
        per_file.append(rows)
        skipped[GITLEAKS[1] + ":" + path] = len(entries)
        for c in entries if verbose else ():
            print("  skipped in %s: %s" % (path, c[:110]))
    every = [r for rows in per_file for r in rows if r["text"]]  # pkcs12-file's fixtures are paths, text ""
    labels = collections.defaultdict(set)
    for r in every:
        labels[(r["detector"], r["text"])].add(r["label"])
    conflicts = {k for k, v in labels.items() if len(v) > 1}
    seen, crossed = {}, set()
    for r in every:
        if (r["detector"], r["text"]) in conflicts:
            continue
        first = seen.setdefault(r["text"], r)
        if first["label"] != r["label"]:
            crossed.add(r["text"])  # a true positive of one rule another must not flag: a secret, as text alone
            if r["label"]:
                seen[r["text"]] = r
    print("%d texts labelled differently by two detectors, kept as positives: %s" % (
        len(crossed), ", ".join(sorted("%s %r" % (seen[t]["detector"], t[:24]) for t in crossed))))
    return list(seen.values()), skipped, sorted(conflicts)


def validate(rows, dev):
    """Per source: dev rows, how many the extraction reproduces (text and label), and the failures."""
    by_text = {r["text"]: r for r in rows}
    stats, fails = collections.defaultdict(lambda: [0, 0]), []
    for d in dev:
        s = stats[d["source"]]
        s[0] += 1
        r = by_text.get(d["text"])
        if r is None:
            fails.append((d, "text not extracted"))
        elif r["label"] != d["label"]:
            fails.append((d, "label %d here" % r["label"]))
        else:
            s[1] += 1
            if r["detector"] != d["detector"]:
                fails.append((d, "matched, but detector %s here" % r["detector"]))
    return stats, fails


def write(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def report(rows, held, dev, skipped, stats):
    """A line per source file with rows, dev rows or skipped entries, one per repository, one in all."""
    per = collections.defaultdict(lambda: [0, 0, 0, 0])  # extracted, held-out, held-out positives, negatives
    for r in rows:
        per[r["source"]][0] += 1
    for r in held:
        p = per[r["source"]]
        p[1] += 1
        p[2 if r["label"] else 3] += 1
    print("%-62s %5s %5s %9s %5s %5s %5s" % ("source", "rows", "skip", "dev match", "held", "pos", "neg"))
    for src in sorted(set(per) | set(stats) | {k for k, v in skipped.items() if v}):
        p, s = per[src], stats.get(src, [0, 0])
        print("%-62s %5d %5d %4d/%-4d %5d %5d %5d" % (src.split("/", 1)[1][-62:], p[0], skipped.get(src, 0),
                                                      s[1], s[0], p[1], p[2], p[3]))
    for repo in (GITLEAKS[1], DETECT_SECRETS[1], ""):
        sub = [r for r in rows if r["source"].startswith(repo)]
        pos = sum(r["label"] for r in held if r["source"].startswith(repo))
        neg = sum(1 - r["label"] for r in held if r["source"].startswith(repo))
        ds = [v for k, v in stats.items() if k.startswith(repo)]
        print("%s: %d rows extracted (%d entries skipped), dev %d/%d matched, held-out %d (%d positive, %d negative)"
              % (repo or "total", len(sub), sum(v for k, v in skipped.items() if k.startswith(repo)),
                 sum(s[1] for s in ds), sum(s[0] for s in ds), pos + neg, pos, neg))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dev", default=os.path.join(ROOT, "..", "shared", "eval", "secrets_dev.jsonl"))
    ap.add_argument("--mirror", default="/work/.mirror")
    ap.add_argument("--out", required=True, help="directory for the .jsonl files")
    ap.add_argument("--format-keywords", action="store_true",
                    help="also fill '...'.format(name=CONST) cases (cloudant, ibm_cloud_iam, ibm_cos_hmac, softlayer)")
    ap.add_argument("-v", "--verbose", action="store_true", help="list the entries that were not evaluated")
    args = ap.parse_args()
    with open(args.dev, encoding="utf-8") as f:
        dev = [json.loads(line) for line in f if line.strip()]
    rows, skipped, conflicts = extract(args.mirror, args.format_keywords, args.verbose)
    for det, text in conflicts:
        print("dropped, both labels under %s: %r" % (det, text[:70]))
    dev_texts = {d["text"] for d in dev}
    held = [r for r in rows if r["text"] not in dev_texts]
    stats, fails = validate(rows, dev)
    os.makedirs(args.out, exist_ok=True)
    write(os.path.join(args.out, "secrets_all.jsonl"), rows)
    write(os.path.join(args.out, "secrets_heldout.jsonl"), held)
    report(rows, held, dev, skipped, stats)
    print("dev rows not reproduced: %d" % sum(1 for _, why in fails if not why.startswith("matched")))
    for d, why in fails[:20]:
        print("  %s [%s %d] %s: %r" % (d["source"].split(":", 1)[1], d["detector"], d["label"], why, d["text"][:70]))
    print("wrote %s/secrets_all.jsonl (%d rows), secrets_heldout.jsonl (%d rows)" % (args.out, len(rows), len(held)))


if __name__ == "__main__":
    main()
