"""Time analyze_context on a synthetic 2,000-file Go module; prints figures, asserts nothing.

Run: .venv/bin/python bench/goprogram_bench.py [--files N] [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from rewriter.goprogram import analyze_context

MODULE = "github.com/acme/bench"
FILES_PER_PACKAGE = 20

FILE = """// Code in package {pkg}: file {n} of a synthetic service.
package {pkg}

import (
	"context"
	"encoding/json"
	"fmt" // formatting
	"net/http"
	"os"
	"strings"
	"time"

	"{module}/internal/p{dep:03d}"
)

// Handler{n} serves one route; the body keeps the file the size of real code.
type Handler{n} struct {{
	client *http.Client
	prefix string
}}

func (h *Handler{n}) ServeHTTP(w http.ResponseWriter, r *http.Request) {{
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	if !strings.HasPrefix(r.URL.Path, h.prefix) {{
		http.NotFound(w, r)
		return
	}}
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {{
		http.Error(w, fmt.Sprintf("bad request: %v", err), http.StatusBadRequest)
		return
	}}
	_ = ctx
	_ = p{dep:03d}.Value
	_ = os.Getenv("APP_MODE")
	w.WriteHeader(http.StatusNoContent)
}}
{filler}"""

FILLER = """
func helper{n}_{i}(xs []string) (out []string) {{
	for _, x := range xs {{
		if len(x) > {i} {{
			out = append(out, strings.ToUpper(x)) // keep long names
		}}
	}}
	return out
}}
"""

MAIN = """package main

import (
	"html/template"
	"net/http"
	"os"
	"time"

	"{module}/internal/p000"
)

func main() {{
	t := template.Must(template.ParseGlob("templates/*.html"))
	loc, _ := time.LoadLocation("Europe/Paris")
	cfg, _ := os.ReadFile("config/app.yaml")
	_, _, _, _ = t, loc, cfg, p000.Value
	http.ListenAndServe(":8080", http.FileServer(http.Dir("./static")))
}}
"""


def generate(root: Path, files: int) -> None:
    """Write a module with one main and files-1 library files in packages of FILES_PER_PACKAGE."""
    (root / "go.mod").write_text(f"module {MODULE}\n\ngo 1.22\n")
    (root / "go.sum").write_text("")
    (root / "cmd" / "server").mkdir(parents=True)
    (root / "cmd" / "server" / "main.go").write_text(MAIN.format(module=MODULE))
    packages = max(1, (files - 1 + FILES_PER_PACKAGE - 1) // FILES_PER_PACKAGE)
    for n in range(files - 1):
        index = n // FILES_PER_PACKAGE
        pkg = f"p{index:03d}"
        directory = root / "internal" / pkg
        directory.mkdir(parents=True, exist_ok=True)
        filler = "".join(FILLER.format(n=n, i=i) for i in range(8))
        text = FILE.format(pkg=pkg, n=n, module=MODULE, dep=(index + 1) % packages, filler=filler)
        if n % FILES_PER_PACKAGE == 0:
            text += "\nvar Value = 1\n"
        (directory / f"f{n:04d}.go").write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="goslim-bench-") as tmp:
        root = Path(tmp)
        generate(root, args.files)
        size = sum(p.stat().st_size for p in root.rglob("*.go"))
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            ctx = analyze_context(root, package="./cmd/server")
            times.append(time.perf_counter() - start)
        assert ctx is not None
        print(f"files: {args.files}  Go source: {size / 1e6:.1f} MB  packages in scope: {len(ctx.scope)}")
        print(
            f"analyze_context median of {args.runs}: {statistics.median(times) * 1000:.0f} ms"
            f"  (min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms)"
        )


if __name__ == "__main__":
    main()
