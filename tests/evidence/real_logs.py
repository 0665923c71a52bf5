"""Write real evaluation logs with the installed tools: ``python real_logs.py inspect|lm-eval OUT``.

Run by ``conftest.py`` in a subprocess (the tools set seeds, logging and environment
variables; the last inspect case ends its own process on purpose). Nothing here is
hand-written output: every file under OUT is what inspect_ai or lm-evaluation-harness wrote.

inspect_ai runs tiny in-memory tasks on its mock model (``mockllm/model``); the mock's
replies come from ``reply`` and carry a token usage, so inspect does not download a
tokenizer to count them. lm-evaluation-harness runs its ``dummy`` model (generations are
"lol", log-likelihoods random with lm-eval's fixed seed) through its own command line on
local YAML tasks with a local JSONL dataset, offline.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def write_inspect(out: Path) -> None:
    import anyio
    from inspect_ai import Epochs, Task, eval, eval_async
    from inspect_ai.dataset import Sample
    from inspect_ai.log import HeadlineMetric
    from inspect_ai.model import ModelOutput, ModelUsage, get_model
    from inspect_ai.scorer import Score, includes, match, mean, scorer, stderr
    from inspect_ai.solver import generate, solver

    def reply(messages, tools, tool_choice, config):  # type: ignore[no-untyped-def]
        # even questions get "yes" (match and includes: correct), odd ones "yes no way"
        # (match, which looks at the end: incorrect; includes: correct)
        text = "yes" if messages[-1].text.endswith(("0", "2", "4")) else "yes no way"
        output = ModelOutput.from_content(model="mockllm", content=text)
        output.usage = ModelUsage(input_tokens=1, output_tokens=1, total_tokens=2)
        return output

    model = get_model("mockllm/model", custom_outputs=reply)
    dataset = [Sample(input=f"question {i}", target="yes") for i in range(5)]

    @scorer(metrics=[mean(), stderr()])
    def word_count():  # type: ignore[no-untyped-def]
        async def score(state, target):  # type: ignore[no-untyped-def]
            return Score(value=len(state.output.completion.split()))

        return score

    @solver
    def fails_on_question_3():  # type: ignore[no-untyped-def]
        async def solve(state, generate):  # type: ignore[no-untyped-def]
            if state.input_text == "question 3":
                raise RuntimeError("the tool this sample needs is down")
            return await generate(state)

        return solve

    tasks = {
        "one_scorer": Task(name="one_scorer", dataset=dataset, solver=generate(), scorer=match()),
        "two_scorers": Task(
            name="two_scorers",
            dataset=dataset,
            solver=generate(),
            scorer=[match(), includes()],
            headline_metric=HeadlineMetric(scorer="includes"),
        ),
        "epochs": Task(
            name="epochs", dataset=dataset, solver=generate(), scorer=match(), epochs=Epochs(2, ["mean", "max"])
        ),
        "word_count": Task(name="word_count", dataset=dataset, solver=generate(), scorer=word_count()),
        "partial": Task(
            name="partial", dataset=dataset, solver=fails_on_question_3(), scorer=match(), fail_on_error=False
        ),
        "error": Task(name="error", dataset=dataset, solver=fails_on_question_3(), scorer=match()),
    }
    index = {}
    for fmt in ("eval", "json"):
        for key, task in tasks.items():
            (log,) = eval(task, model=model, log_dir=str(out / fmt), log_format=fmt, display="none")
            index[f"{key}.{fmt}"] = log.location

    # cancelled: the task's cancel scope is cancelled from outside while a sample runs (as ctrl+c does)
    started = anyio.Event()

    @solver
    def waits_forever():  # type: ignore[no-untyped-def]
        async def solve(state, generate):  # type: ignore[no-untyped-def]
            started.set()
            await anyio.Event().wait()
            return state

        return solve

    async def cancel() -> None:
        task = Task(name="cancelled", dataset=dataset[:1], solver=waits_forever(), scorer=match())
        async with anyio.create_task_group() as group:

            async def run() -> None:
                await eval_async(task, model=model, log_dir=str(out / "cancelled"), log_format="eval")

            group.start_soon(run)
            await started.wait()
            group.cancel_scope.cancel()

    anyio.run(cancel)
    index["cancelled.eval"] = str(next((out / "cancelled").glob("*.eval")))
    (out / "index.json").write_text(json.dumps(index))

    # unfinished: the process dies while a sample runs, leaving only the .eval's start journal
    @solver
    def dies():  # type: ignore[no-untyped-def]
        async def solve(state, generate):  # type: ignore[no-untyped-def]
            sys.stdout.flush()
            os._exit(0)

        return solve

    eval(
        Task(name="unfinished", dataset=dataset[:1], solver=dies(), scorer=match()),
        model=model,
        log_dir=str(out / "unfinished"),
        log_format="eval",
        display="none",
    )


TASK_QA = """task: team_qa
dataset_path: json
dataset_kwargs:
  data_files:
    test: {data}
test_split: test
output_type: generate_until
doc_to_text: "{{{{question}}}}"
doc_to_target: "{{{{answer}}}}"
generation_kwargs:
  until: ["\\n"]
metric_list:
  - metric: exact_match
    aggregation: mean
    higher_is_better: true
"""
TASK_MT = """task: team_mt
dataset_path: json
dataset_kwargs:
  data_files:
    test: {data}
test_split: test
output_type: generate_until
doc_to_text: "{{{{question}}}}"
doc_to_target: "{{{{reference}}}}"
generation_kwargs:
  until: ["\\n"]
metric_list:
  - metric: chrf
    aggregation: chrf
    higher_is_better: true
"""
TASK_MC = """task: team_mc
dataset_path: json
dataset_kwargs:
  data_files:
    test: {data}
test_split: test
output_type: multiple_choice
doc_to_text: "{{{{question}}}}"
doc_to_choice: "{{{{choices}}}}"
doc_to_target: label
metric_list:
  - metric: acc
"""


def write_lm_eval(out: Path) -> None:
    tasks = out / "tasks"
    tasks.mkdir(parents=True)
    data = tasks / "data.jsonl"
    # the dummy model generates "lol": exact_match is 2/5; against a long reference chrF is
    # below 1 point (0-100 scale), the case a value-based scale rule gets wrong
    rows = [
        {
            "question": f"Say lol {i}",
            "answer": "lol" if i % 2 == 0 and i < 4 else "no",
            "reference": "l" + "x" * 50,
            "choices": ["lol", "no"],
            "label": i % 2,
        }
        for i in range(5)
    ]
    data.write_text("".join(json.dumps(row) + "\n" for row in rows))
    for name, text in (("team_qa", TASK_QA), ("team_mt", TASK_MT), ("team_mc", TASK_MC)):
        (tasks / f"{name}.yaml").write_text(text.format(data=data))

    from lm_eval import simple_evaluate
    from lm_eval.loggers import EvaluationTracker
    from lm_eval.tasks import TaskManager

    # what `lm_eval run --model dummy --include_path TASKS --output_path DIR ...` does
    # (lm_eval/_cli/run.py), without indexing the thousands of built-in tasks at each run
    manager = TaskManager(include_path=str(tasks), include_defaults=False)
    runs: dict[str, tuple[str | dict[str, str], list[str]]] = {
        # a named model (the dummy ignores its arguments), the Python API's string form
        "named": ("pretrained=Qwen/Qwen2.5-7B-Instruct", ["team_qa", "team_mt", "team_mc"]),
        # two unrelated runs that name no model (the command line passes {}): lm-eval generates the name
        "unnamed_qa": ({}, ["team_qa"]),
        "unnamed_mc": ({}, ["team_mc"]),
    }
    index = {}
    for key, (model_args, names) in runs.items():
        tracker = EvaluationTracker(output_path=str(out / key))
        results = simple_evaluate(
            model="dummy", model_args=model_args, tasks=names, task_manager=manager, evaluation_tracker=tracker
        )
        tracker.save_results_aggregated(results=results, samples=None)
        index[key] = str(next((out / key).glob("*/results_*.json")))
    (out / "index.json").write_text(json.dumps(index))


if __name__ == "__main__":
    kind, where = sys.argv[1], Path(sys.argv[2])
    where.mkdir(parents=True, exist_ok=True)
    {"inspect": write_inspect, "lm-eval": write_lm_eval}[kind](where)
