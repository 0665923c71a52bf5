"""Attribution for every public dataset the bundled catalogue reads facts from."""

ATTRIBUTIONS = [
    {
        "name": "European Open Source AI Index",
        "license": "CC-BY-4.0",
        "url": "https://github.com/Language-Technology-Assessment/main-database",
        "credit": "European Open Source AI Index (osai-index.eu), doi:10.5281/zenodo.15386042; "
        "Liesenfeld & Dingemanse, FAccT '24, doi:10.1145/3630106.3659005.",
    },
    {
        "name": "LLM-Stats",
        "license": "CC-BY-4.0",
        "url": "https://github.com/JonathanChavezTamales/llm-leaderboard",
        "credit": "Model metadata and developer-reported benchmark transcriptions by llm-stats.com contributors.",
    },
    {
        "name": "Epoch AI benchmark data",
        "license": "CC-BY-4.0 (website data) / MIT (repository)",
        "url": "https://github.com/epoch-research/benchmark-stitching",
        "credit": "Epoch AI, Benchmarking Hub and benchmark-stitching data (c) 2025 Epoch AI.",
    },
    {
        "name": "Epoch AI's own evaluation runs (Inspect logs)",
        "license": "CC-BY-4.0",
        "url": "https://logs.epoch.ai/",
        "credit": "Epoch AI Benchmarking Hub: GPQA Diamond, MATH Level 5, OTIS Mock AIME, FrontierMath and "
        "SWE-bench Verified runs, each cited by its log.",
    },
    {
        "name": "Public leaderboards compiled in Epoch AI's data",
        "license": "as published by each leaderboard; cited per value",
        "url": "https://github.com/epoch-research/benchmark-stitching/tree/main/data",
        "credit": "Aider LLM Leaderboards (aider.chat), Terminal-Bench leaderboard (tbench.ai), SimpleBench "
        "(simple-bench.com), ARC Prize leaderboard (arcprize.org), LiveBench (livebench.ai), Stanford CRFM "
        "HELM Lite and Classic; and scores from papers that Epoch AI transcribed, each cited with its paper.",
    },
    {
        "name": "OpenAI simple-evals",
        "license": "MIT",
        "url": "https://github.com/openai/simple-evals",
        "credit": "OpenAI, simple-evals README result tables (SimpleQA and others), pinned to a commit.",
    },
    {
        "name": "SWE-bench leaderboard",
        "license": "MIT (SWE-bench); results as published",
        "url": "https://www.swebench.com/",
        "credit": "SWE-bench Verified leaderboard runs, read through their listing and the swe-bench.github.io data.",
    },
    {
        "name": "Model Openness Tool (Model Openness Framework)",
        "license": "MIT",
        "url": "https://github.com/lfai/model_openness_tool",
        "credit": "LF AI & Data, Model Openness Tool; MOF 1.0 (2024-12-15).",
    },
    {
        "name": "models.dev",
        "license": "MIT",
        "url": "https://github.com/anomalyco/models.dev",
        "credit": "models.dev contributors: prices, limits and release dates.",
    },
    {
        "name": "LiteLLM model prices",
        "license": "MIT",
        "url": "https://github.com/BerriAI/litellm",
        "credit": "BerriAI, model_prices_and_context_window.json.",
    },
    {
        "name": "Hugging Face Open LLM Leaderboard (v1 and v2), via fboulnois/llm-leaderboard-csv",
        "license": "scores: Hugging Face public leaderboard; CSV packaging MPL-2.0",
        "url": "https://github.com/fboulnois/llm-leaderboard-csv",
        "credit": "Open LLM Leaderboard, Hugging Face (lm-evaluation-harness runs); "
        "CSV snapshots by fboulnois. shortlist copies individual scores, not the files.",
    },
    {
        "name": "Stanford Foundation Model Transparency Index",
        "license": "CC-BY-4.0",
        "url": "https://github.com/stanford-crfm/fmti",
        "credit": "Stanford CRFM, Foundation Model Transparency Index (context only).",
    },
]
