# The two commands of the README: `make run` (the main job) and `make test` (the test suite).
# Both install what is missing first (scripts/bootstrap.sh), so a fresh machine needs nothing else.
.PHONY: run test lint bootstrap eval bench train bench-duplicates bench-activity bench-web bench-platform screenshots

bootstrap:
	@bash scripts/bootstrap.sh

run: bootstrap
	@.venv/bin/jianfu

test: bootstrap
	.venv/bin/ruff check src tests bench
	.venv/bin/python -m pytest -q -n 2 --dist loadgroup

lint: bootstrap
	.venv/bin/ruff check src tests bench

eval: bootstrap
	.venv/bin/jianfu eval data/messages/dev.jsonl
	.venv/bin/jianfu eval duplicates data/registry/duplicates/dev.jsonl
	.venv/bin/jianfu eval activity data/activity/dev
	.venv/bin/jianfu eval web data/web/dev

train: bootstrap
	.venv/bin/jianfu train data/messages/train.jsonl

bench: bootstrap
	.venv/bin/python bench/bench_scan.py

bench-duplicates: bootstrap
	.venv/bin/python bench/bench_duplicates.py

bench-activity: bootstrap
	.venv/bin/python bench/bench_activity.py

bench-web: bootstrap
	.venv/bin/python bench/bench_web.py

bench-platform: bootstrap
	.venv/bin/python bench/bench_platform.py

screenshots: bootstrap
	.venv/bin/python scripts/screenshots.py
