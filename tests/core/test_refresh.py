"""`shortlist catalog refresh --from-models-dev`: a models.dev checkout -> an overlay folder."""

from __future__ import annotations

import datetime as dt
import subprocess
import tomllib
from pathlib import Path

import pytest
from factory import entry, write_catalog
from helpers import cli_env, run_cli

from tui.core.catalog import load_catalog
from tui.core.errors import InputError
from tui.core.refresh import PROVIDER_FOLDERS, refresh_from_models_dev
from tui.core.resources import catalog_root

COMMIT = "0123456789abcdef0123456789abcdef01234567"
BASE = f"https://github.com/anomalyco/models.dev/blob/{COMMIT}/"
STAGED = Path("/work/shared/sources/models-dev")
STAGED_COMMIT = "f3fc692299671838c7c65fd8126bf84d81a2e817"


def shortlist(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return run_cli(*args, cwd=cwd, env=env)


def put(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# Files follow the real models.dev field layout (see providers/openai/models/gpt-4o.toml).
GPT_X = """name = "GPT-X"
family = "gpt"
release_date = "2025-01-10"
last_updated = "2025-09-01"
attachment = true
reasoning = false
temperature = true
tool_call = true
open_weights = false

[cost]
input = 2.00
output = 8.00
cache_read = 0.50

[limit]
context = 256_000
output = 32_768

[modalities]
input = ["text", "image"]
output = ["text"]
"""

GPT_SAME = """name = "GPT-Same"
family = "gpt"
release_date = "2024-06-01"
last_updated = "2024-06-01"
open_weights = false

[cost]
input = 1.00
output = 2.00

[limit]
context = 128_000
output = 16_384
"""

CLAUDE_DATED = """name = "Claude Dated"
family = "claude"
release_date = "2025-01-01"
last_updated = "2025-01"
open_weights = false

[cost]
input = 3.00
output = 12.00

[limit]
context = 200_000
output = 64_000
"""

GEM_PROVIDER = """base_model = "google/gem-pro"

[cost]
input = 1.25
output = 10.00

[[cost.tiers]]
tier = { size = 200_000 }
input = 2.50
output = 15.00
"""

GEM_LAB = """name = "Gem Pro"
family = "gemini"
release_date = "2025-03-20"
last_updated = "2025-06-17"
open_weights = false

[limit]
context = 2_097_152
output = 65_536

[modalities]
input = ["text", "image"]
output = ["text"]
"""

OPEN_MODEL = """name = "Open 7B"
family = "open"
last_updated = "2025-02-02"
open_weights = true

[cost]
input = 0.25
output = 0.25

[limit]
context = 8_000
output = 8_000
"""


@pytest.fixture
def tree(tmp_path) -> Path:
    root = tmp_path / "models.dev"
    put(root, "providers/openai/provider.toml", 'name = "OpenAI"\nenv = ["OPENAI_API_KEY"]\nnpm = "@ai-sdk/openai"\n')
    put(root, "providers/openai/models/gpt-x.toml", GPT_X)
    put(root, "providers/openai/models/gpt-same.toml", GPT_SAME)
    put(root, "providers/anthropic/models/claude-dated-20250101.toml", CLAUDE_DATED)
    put(root, "providers/google/models/gem-pro.toml", GEM_PROVIDER)
    put(root, "models/google/gem-pro.toml", GEM_LAB)
    put(root, "providers/mistral/models/open-7b.toml", OPEN_MODEL)
    return root


def api_entry(
    model_id: str,
    provider: str,
    price: tuple[float, float],
    context: int,
    max_out: int | None,
    aliases: list[str] | None = None,
) -> dict:
    data = entry(
        model_id,
        scores={"mmlu": 80},
        price=None,
        params=None,
        context=context,
        level="opaque",
        license_class="proprietary",
        self_host=False,
    )
    data["aliases"] = aliases or []
    if max_out is not None:
        data["specs"]["max_output_tokens"] = max_out
    data["prices"] = [
        {
            "provider": provider,
            "first_party": True,
            "input_usd_per_mtok": price[0],
            "output_usd_per_mtok": price[1],
            "source": "https://example.org/price-page",
            "as_of": dt.date(2025, 1, 1),
            "note": "List price.",
        },
        {
            "provider": "Some Host",
            "first_party": False,
            "input_usd_per_mtok": 9.0,
            "output_usd_per_mtok": 9.0,
            "source": "https://example.org/host",
            "as_of": dt.date(2025, 1, 1),
        },
    ]
    return data


@pytest.fixture
def catalog_dir(tmp_path) -> Path:
    open_7b = entry("open-7b", scores={"mmlu": 60}, price=None, params=7, context=32768)
    open_7b["prices"] = [
        {
            "provider": "Mistral AI",
            "first_party": True,
            "input_usd_per_mtok": 0.25,
            "output_usd_per_mtok": 0.25,
            "source": "https://example.org/mistral",
            "as_of": dt.date(2025, 1, 1),
        }
    ]
    return write_catalog(
        tmp_path / "catalog",
        [
            # price and limits changed; matched by id
            api_entry("gpt-x", "OpenAI", (2.5, 10.0), context=128000, max_out=16384),
            # everything matches models.dev: no file
            api_entry("gpt-same", "OpenAI", (1.0, 2.0), context=128000, max_out=16384),
            # matched through an alias (the dated API id), case-insensitively; output price changed
            api_entry(
                "claude-dated",
                "Anthropic",
                (3.0, 15.0),
                context=200000,
                max_out=64000,
                aliases=["Claude-Dated-20250101"],
            ),
            # provider file with base_model: cost from the provider file, limits from models/google
            api_entry("gem-pro", "Google (Gemini API)", (1.25, 10.0), context=1048576, max_out=65536),
            # a downloadable model: the provider's serving limit is not its native window
            open_7b,
            # provider not in the table
            api_entry("mystery-api", "Acme AI", (1.0, 1.0), context=8192, max_out=None),
            # provider known, but no file
            api_entry("gpt-missing", "OpenAI", (1.0, 1.0), context=8192, max_out=None),
            # no first-party price at all
            entry("no-price", scores={"mmlu": 50}, price=None),
        ],
    )


def refresh_cli(tmp_path: Path, tree: Path, catalog_dir: Path, out: Path, base: str | None = BASE):
    env = cli_env(tmp_path)
    if base is not None:
        env["SHORTLIST_MODELS_DEV_URL_BASE"] = base
    return shortlist(
        "catalog",
        "refresh",
        "--from-models-dev",
        str(tree),
        "--out",
        str(out),
        "--catalog",
        str(catalog_dir),
        cwd=tmp_path,
        env=env,
    )


def test_refresh_writes_an_overlay_for_changed_entries_only(tmp_path, tree, catalog_dir):
    out = tmp_path / "overlay"
    result = refresh_cli(tmp_path, tree, catalog_dir, out)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        "claude-dated: output price 15.0 -> 12.0 USD/M tokens (providers/anthropic/models/claude-dated-20250101.toml)",
        "gem-pro: context window 1048576 -> 2097152 tokens (models/google/gem-pro.toml)",
        "gpt-x: input price 2.5 -> 2.0 USD/M tokens (providers/openai/models/gpt-x.toml)",
        "gpt-x: output price 10.0 -> 8.0 USD/M tokens (providers/openai/models/gpt-x.toml)",
        "gpt-x: context window 128000 -> 256000 tokens (providers/openai/models/gpt-x.toml)",
        "gpt-x: max output tokens 16384 -> 32768 tokens (providers/openai/models/gpt-x.toml)",
        "no match in models.dev for: gpt-missing, mystery-api",
        "not checked: 1 entries have no first-party price and no models.dev source",
        f"wrote 3 overlay file(s) to {out / 'models'} (5 entries matched); load it with --catalog-overlay {out}",
    ]
    # unchanged, unmatched and downloadable entries get no file
    assert sorted(p.name for p in (out / "models").iterdir()) == ["claude-dated.toml", "gem-pro.toml", "gpt-x.toml"]

    gpt = tomllib.loads((out / "models" / "gpt-x.toml").read_text())
    assert set(gpt) == {"id", "prices", "specs"}
    assert gpt["id"] == "gpt-x"
    # lists replace whole lists, so the whole price list is written, the host price unchanged
    first, host = gpt["prices"]
    assert first["provider"] == "OpenAI" and first["first_party"] is True
    assert (first["input_usd_per_mtok"], first["output_usd_per_mtok"]) == (2.0, 8.0)
    assert first["source"] == BASE + "providers/openai/models/gpt-x.toml"
    assert first["as_of"] == dt.date(2025, 9, 1)  # the file's last_updated
    assert "last_updated" in first["note"] and "Previous note: List price." in first["note"]
    assert host == {
        "provider": "Some Host",
        "first_party": False,
        "input_usd_per_mtok": 9.0,
        "output_usd_per_mtok": 9.0,
        "source": "https://example.org/host",
        "as_of": dt.date(2025, 1, 1),
    }
    assert gpt["specs"]["context_window"] == 256000
    assert gpt["specs"]["max_output_tokens"] == 32768
    assert gpt["specs"]["field_sources"] == {
        "context_window": BASE + "providers/openai/models/gpt-x.toml",
        "max_output_tokens": BASE + "providers/openai/models/gpt-x.toml",
    }
    assert "source" not in gpt["specs"]  # the other spec fields keep their own source
    assert "(as of 2025-09-01)" in gpt["specs"]["note"]

    claude = tomllib.loads((out / "models" / "claude-dated.toml").read_text())
    assert set(claude) == {"id", "prices"}
    # "2025-01" is not a full date: as_of falls back to today (SHORTLIST_TODAY in tests)
    assert claude["prices"][0]["as_of"] == dt.date(2026, 11, 30)
    assert "refresh date" in claude["prices"][0]["note"]

    gem = tomllib.loads((out / "models" / "gem-pro.toml").read_text())
    assert set(gem) == {"id", "specs"}  # the price matches; only the inherited limit changed
    assert gem["specs"]["context_window"] == 2097152
    assert gem["specs"]["field_sources"] == {"context_window": BASE + "models/google/gem-pro.toml"}
    assert "(as of 2025-06-17)" in gem["specs"]["note"]

    # the overlay loads and every replaced field is named
    catalog = load_catalog(catalog_dir, overlay=out)
    # (the fixture entries have no field_sources table, so the overlay's one is added whole)
    assert catalog.by_id["gpt-x"].overridden == [
        "prices",
        "specs.context_window",
        "specs.field_sources",
        "specs.max_output_tokens",
        "specs.note",
    ]
    assert catalog.by_id["claude-dated"].overridden == ["prices"]
    assert catalog.by_id["gem-pro"].overridden == ["specs.context_window", "specs.field_sources", "specs.note"]
    assert catalog.by_id["gpt-same"].overridden == []
    assert catalog.by_id["gpt-x"].prices[0].input_usd_per_mtok == 2.0
    assert catalog.by_id["gem-pro"].specs.context_window == 2097152
    assert catalog.by_id["gem-pro"].specs.source == "https://example.org/test-fixture"
    assert catalog.warnings == ()  # nothing was added, only overridden

    # refreshing the overlaid catalogue again finds nothing left to change
    again = refresh_from_models_dev(catalog, tree, tmp_path / "again")
    assert again[-1] == "no changes: prices and limits of the 5 matched entries match models.dev"
    assert not (tmp_path / "again").exists()


def test_a_price_that_cites_a_models_dev_file_is_refreshed_from_that_file(tmp_path, tree):
    put(
        tree,
        "providers/alibaba/models/qwen2-5-7b-instruct.toml",
        "[cost]\ninput = 0.2\noutput = 0.8\n[limit]\ncontext = 131_072\noutput = 8_192\n",
    )
    data = api_entry("qwen2.5-7b-instruct", "Alibaba Cloud Model Studio", (0.175, 0.7), context=131072, max_out=8192)
    data["prices"][0]["source"] = (
        f"https://github.com/anomalyco/models.dev/blob/{COMMIT}/providers/alibaba/models/qwen2-5-7b-instruct.toml"
    )
    catalog = load_catalog(write_catalog(tmp_path / "cat", [data]))

    lines = refresh_from_models_dev(catalog, tree, tmp_path / "out")

    assert lines[0] == (
        "qwen2.5-7b-instruct: input price 0.175 -> 0.2 USD/M tokens (providers/alibaba/models/qwen2-5-7b-instruct.toml)"
    )
    assert lines[1] == (
        "qwen2.5-7b-instruct: output price 0.7 -> 0.8 USD/M tokens (providers/alibaba/models/qwen2-5-7b-instruct.toml)"
    )
    written = tomllib.loads((tmp_path / "out" / "models" / "qwen2.5-7b-instruct.toml").read_text())
    # no SHORTLIST_MODELS_DEV_URL_BASE and no git checkout: the default base, and today's date
    assert written["prices"][0]["source"] == (
        "https://github.com/anomalyco/models.dev/blob/main/providers/alibaba/models/qwen2-5-7b-instruct.toml"
    )
    assert written["prices"][0]["as_of"] == dt.date(2026, 11, 30)


def test_a_git_checkout_pins_sources_to_its_head_commit(tmp_path, tree, catalog_dir):
    put(tree, ".git/HEAD", "ref: refs/heads/dev\n")
    put(tree, ".git/packed-refs", f"# pack-refs with: peeled fully-peeled sorted\n{COMMIT} refs/heads/dev\n")
    catalog = load_catalog(catalog_dir)

    refresh_from_models_dev(catalog, tree, tmp_path / "out")

    gpt = tomllib.loads((tmp_path / "out" / "models" / "gpt-x.toml").read_text())
    assert gpt["prices"][0]["source"] == BASE + "providers/openai/models/gpt-x.toml"

    put(tree, ".git/HEAD", "fedcba9876543210fedcba9876543210fedcba98\n")  # detached
    refresh_from_models_dev(catalog, tree, tmp_path / "out2")
    gpt = tomllib.loads((tmp_path / "out2" / "models" / "gpt-x.toml").read_text())
    assert gpt["prices"][0]["source"].startswith(
        "https://github.com/anomalyco/models.dev/blob/fedcba9876543210fedcba9876543210fedcba98/providers/"
    )


def test_an_existing_overlay_file_keeps_the_keys_refresh_does_not_touch(tmp_path, tree, catalog_dir):
    out = tmp_path / "out"
    put(
        out,
        "models/gpt-x.toml",
        'id = "gpt-x"\nnotes = ["Our team uses the EU endpoint."]\n'
        '[specs.field_sources]\nrelease_date = "https://example.org/launch"\n',
    )

    refresh_from_models_dev(load_catalog(catalog_dir), tree, out)

    gpt = tomllib.loads((out / "models" / "gpt-x.toml").read_text())
    assert gpt["notes"] == ["Our team uses the EU endpoint."]
    assert gpt["specs"]["field_sources"]["release_date"] == "https://example.org/launch"
    assert gpt["specs"]["field_sources"]["context_window"].endswith("providers/openai/models/gpt-x.toml")
    assert gpt["prices"][0]["input_usd_per_mtok"] == 2.0
    assert load_catalog(catalog_dir, overlay=out).by_id["gpt-x"].notes == ["Our team uses the EU endpoint."]


def test_the_provider_table_is_explicit():
    for name, folder in {
        "OpenAI": "openai",
        "Anthropic": "anthropic",
        "Google": "google",
        "Mistral AI": "mistral",
        "DeepSeek": "deepseek",
        "Alibaba": "alibaba",
        "xAI": "xai",
        "Moonshot AI": "moonshotai",
        "Z.ai": "zai",
    }.items():
        assert PROVIDER_FOLDERS[name.lower()] == folder


@pytest.mark.parametrize(
    "setup, message",
    [
        ("missing", "models.dev folder not found"),
        ("no-providers", "not a models.dev checkout: expected providers/<provider>/models/*.toml"),
        ("malformed", "gpt-x.toml:3: malformed TOML"),
        ("bad-cost", "gpt-x.toml: cost.input = 'two' is not a non-negative number"),
        ("missing-base", "gem-pro.toml: base_model 'google/gem-pro': models/google/gem-pro.toml not found"),
    ],
)
def test_bad_input_is_one_line_naming_the_file(tmp_path, tree, catalog_dir, setup, message):
    src = tree
    if setup == "missing":
        src = tmp_path / "nowhere"
    elif setup == "no-providers":
        src = tmp_path / "empty"
        put(src, "README.md", "not models.dev\n")
    elif setup == "malformed":
        put(tree, "providers/openai/models/gpt-x.toml", 'name = "GPT-X"\n[cost]\ninput = = 2\n')
    elif setup == "bad-cost":
        put(tree, "providers/openai/models/gpt-x.toml", '[cost]\ninput = "two"\noutput = 8.0\n')
    elif setup == "missing-base":
        (tree / "models" / "google" / "gem-pro.toml").unlink()

    result = refresh_cli(tmp_path, src, catalog_dir, tmp_path / "out")

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("shortlist: error: ")
    assert message in lines[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()  # nothing is written when any input is bad
    with pytest.raises(InputError):
        refresh_from_models_dev(load_catalog(catalog_dir), src, tmp_path / "out-direct")


def test_refuses_to_write_into_the_catalogue_folder(tmp_path, tree, catalog_dir):
    with pytest.raises(InputError, match="--out is the catalogue folder itself"):
        refresh_from_models_dev(load_catalog(catalog_dir), tree, catalog_dir)


@pytest.mark.skipif(not (STAGED / "providers").is_dir(), reason="staged models.dev copy not present")
def test_refresh_against_the_staged_models_dev_copy(tmp_path, monkeypatch):
    monkeypatch.setenv(
        "SHORTLIST_MODELS_DEV_URL_BASE", f"https://github.com/anomalyco/models.dev/blob/{STAGED_COMMIT}/"
    )
    root = catalog_root()
    out = tmp_path / "overlay"

    lines = refresh_from_models_dev(load_catalog(root), STAGED, out)

    assert lines
    assert any(line.startswith(("wrote ", "no changes: ")) for line in lines)
    # every line is a change, a non-match list, a note or the summary; never a traceback
    for line in lines:
        assert (
            line.startswith(("no match in models.dev for: ", "not checked: ", "wrote ", "no changes: ")) or ": " in line
        )
    if (out / "models").is_dir():
        overlaid = load_catalog(root, overlay=out)
        for path in (out / "models").glob("*.toml"):
            assert overlaid.by_id[path.stem].overridden
