#!/usr/bin/env bash
# Every benchmark of docs/PERFORMANCE.md, one after the other (about an hour on two cores, more with 10,000
# applications on a busy machine). Each writes bench/results/<name>-latest.json; bench/report.py prints the table.
# All load goes to 127.0.0.1; every script enforces hard caps on its counts and durations.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
$PY -m pip install --quiet httpx psutil pyinstrument      # the orchestrators' needs (bench/requirements.txt)
python3 -m venv .venv-locust && .venv-locust/bin/pip install --quiet -r bench/requirements.txt   # Locust apart
export LOCUST=.venv-locust/bin/locust
$PY -m bench.ceilings                                      # wrk (Debian package `wrk`)
$PY -m bench.ceilings --database postgresql
$PY -m bench.locust_rush --users 100 --spawn-rate 10 --minutes 4
$PY -m bench.locust_rush --users 100 --spawn-rate 10 --minutes 4 --database postgresql
$PY -m bench.locust_rush --users 50 --spawn-rate 5 --minutes 10 --soak
$PY -m bench.demo_scale --applications 1000
$PY -m bench.pages --sizes 1000,10000
$PY -m bench.pages --sizes 10000 --database postgresql
$PY -m bench.exports --applications 1000 --archive-gb 2.2
$PY -m bench.docx_export
$PY -m bench.word_import
$PY -m bench.profile_save
$PY -m bench.selection
$PY -m pytest -q tests/test_query_counts.py tests/test_write_lock.py
$PY -m bench.report
