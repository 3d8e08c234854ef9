"""The OpenAPI document stays usable by the clients partners generate from it: a Python
client (openapi-python-client) and TypeScript types (openapi-typescript) are generated
from /openapi.json and type-checked strictly (mypy --strict; tsc --strict). The tools
are pinned in clients/ (requirements.txt, package-lock.json) and installed by
`make clients`; a missing tool fails the test, saying so, rather than skipping it."""

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from app.main import create_app
from app.settings import Settings

CLIENTS = Path(__file__).resolve().parents[2] / "clients"
PYTHON_TOOL = CLIENTS / ".venv" / "bin" / "openapi-python-client"
MYPY = CLIENTS / ".venv" / "bin" / "mypy"
TS_TOOL = CLIENTS / "node_modules" / ".bin" / "openapi-typescript"
TSC = CLIENTS / "node_modules" / ".bin" / "tsc"
PACKAGE = "letterdesk_client"

# A consumer of the TypeScript types: reading a list page the way a sync does.
USE_TS = """import type { operations } from "./schema";
type Letters = operations["listLetters"]["responses"][200]["content"]["application/json"];
type Problem = operations["takeAction"]["responses"][409]["content"]["application/problem+json"];
export function resumeFrom(page: Letters): string | null {
  return page.has_more ? null : page.next_cursor;
}
export function title(problem: Problem): string {
  return problem.title;
}
"""


def _tool(path: Path) -> str:
    if not os.access(path, os.X_OK):
        pytest.fail(f"{path} is missing: run `make clients` (it installs the pinned tools).")
    return str(path)


def _run(command: list[str], cwd: Path) -> str:
    done = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, f"{' '.join(command)}\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    spec = create_app(Settings(database_url="sqlite://", secret_key="x", _env_file=None)).openapi()
    path = tmp_path_factory.mktemp("openapi") / "openapi.json"
    path.write_text(json.dumps(spec))
    return path, spec


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def test_a_generated_python_client_has_every_operation_and_passes_mypy_strict(
    document: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    spec_path, spec = document
    tool, mypy = _tool(PYTHON_TOOL), _tool(MYPY)
    env_path = f"{PYTHON_TOOL.parent}:{os.environ.get('PATH', '')}"  # it runs its ruff
    done = subprocess.run(
        [tool, "generate", "--path", str(spec_path), "--output-path", PACKAGE, "--meta", "none"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=os.environ | {"PATH": env_path},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    paths = spec["paths"]
    assert isinstance(paths, dict)
    generated = {module.stem for module in (tmp_path / PACKAGE / "api").glob("*/*.py")}
    operations = {
        _snake(operation["operationId"]) for item in paths.values() for operation in item.values()
    }
    assert operations - generated == set(), "operations the generator left out"
    _run([mypy, "--config-file", str(CLIENTS / "mypy.ini"), PACKAGE], tmp_path)


def test_generated_typescript_types_compile_under_tsc_strict(
    document: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    spec_path, _ = document
    tool, tsc = _tool(TS_TOOL), _tool(TSC)
    _run([tool, str(spec_path), "-o", "schema.d.ts"], tmp_path)
    (tmp_path / "use.ts").write_text(USE_TS)
    _run(
        [tsc, "--strict", "--noEmit", "--target", "es2022", "--module", "nodenext",
         "--moduleResolution", "nodenext", "schema.d.ts", "use.ts"],
        tmp_path,
    )  # fmt: skip
