#!/usr/bin/env bash
# The test command: sets up what the tests need (RabbitMQ, Python's kombu),
# then runs every check CI runs. Safe to run again; installs only what is
# missing (installing needs root and Debian's apt).
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/lib.sh

broker_up() {
	# Bash's /dev/tcp: no client needed to see whether the port answers.
	(exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null
}

ensure_rabbitmq() {
	if [ -n "${KOMBUGEN_AMQP_URL:-}" ]; then
		log "using the broker at KOMBUGEN_AMQP_URL"
		return
	fi
	if broker_up; then
		return
	fi
	command -v rabbitmq-server >/dev/null || apt_install rabbitmq-server
	log "starting RabbitMQ"
	rabbitmq-server -detached
	rabbitmqctl await_startup --timeout 120 >/dev/null
	for _ in $(seq 60); do broker_up && return; sleep 1; done
	echo "RabbitMQ did not start listening on 127.0.0.1:5672" >&2
	exit 1
}

# Debian's kombu and the codecs it reads with, for the interop suite; and
# jsonschema, with which the jsonschema tests validate published bodies as a
# Python consumer would. -I keeps the working directory off Python's path:
# the module root's jsonschema/ would pass for the Python package.
ensure_kombu() {
	if /usr/bin/python3 -I -c 'import kombu, msgpack, yaml, brotli, zstandard, jsonschema' 2>/dev/null; then
		return
	fi
	apt_install python3-kombu python3-msgpack python3-yaml python3-brotli python3-zstandard python3-jsonschema
}

# Debian's Celery, for the Celery worker tests (runtime/celery, golden/tasks,
# examples/imaging).
ensure_celery() {
	if /usr/bin/python3 -I -c 'import celery' 2>/dev/null; then
		return
	fi
	apt_install python3-celery
}

ensure_rabbitmq
ensure_kombu
ensure_celery
# Chromium, Node.js and the pinned mermaid package, for docs/render_test.go.
bash tools/mermaid/setup.sh

log "gofmt"
unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
	echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

log "go vet"
go vet ./...

log "generated examples are current"
go build -o "${TMPDIR:-/tmp}/kombugen-ci" ./cmd/kombugen
find examples -name '*.kombugen.yaml' | sort | while read -r schema; do
	"${TMPDIR:-/tmp}/kombugen-ci" check -strict "$schema"
	"${TMPDIR:-/tmp}/kombugen-ci" generate -check "$schema"
done

log "go test -race (the unit, integration and Celery worker tests)"
KOMBUGEN_INTEGRATION_TESTS=1 KOMBUGEN_CELERY_TESTS=1 go test -race -count=1 -timeout 15m ./...

# The tracing example is a module of its own, so that kombugen does not
# depend on OpenTelemetry.
log "examples/tracing (its own module)"
(cd examples/tracing && go vet ./... && go test -race -count=1 ./...)

# The fault-injection suite stops the broker and raises memory alarms, so it
# runs on its own, after everything else; -v prints its figures, the record.
log "fault-injection suite (faults/)"
KOMBUGEN_FAULT_TESTS=1 go test -race -count=1 -timeout 10m -v ./faults/
