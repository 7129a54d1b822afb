# Journey: common tasks.
#
#   make demo    set up a local Postgres, build the bot, load the sample data and show a journey
#   make test    make sure Postgres is up, then go vet, the lint and every test with the race detector
#   make test-quick   the quick loop: every test but the end-to-end ones, no race detector
#   make test-dates   every test again at dates that stress the calendar (JOURNEY_TEST_NOW)
#   make lint    golangci-lint (pinned): gofmt, vet, errcheck, staticcheck, errorlint, the import graph
#   make bench   benchmarks (internal/bench, internal/slackapp), once each
#
# scripts/ensure-postgres.sh starts (or installs) a local PostgreSQL at
# 127.0.0.1:5432 unless DATABASE_URL / TEST_DATABASE_URL point elsewhere.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

GO  ?= go
BIN := bin/bot

# Defaults for a local server; set these in the environment to use another one.
export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/journey?sslmode=disable
export TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable

.PHONY: help setup demo sandbox test test-quick test-dates lint bench eval fmt vet build clean

help:
	@echo 'make sandbox set up Postgres, build bin/bot, run the bot against a local Slack with the sample data'
	@echo 'make demo    set up Postgres, build bin/bot, import the sample data, show "Acme Corp"'
	@echo 'make test    set up Postgres, go vet, the lint, every test with the race detector'
	@echo 'make test-quick  every test but the end-to-end ones, without the race detector (a quick loop)'
	@echo 'make test-dates  every test at a Sunday, 29 Feb 2028, both DST nights, 31 Dec and now'
	@echo 'make lint    golangci-lint (pinned): gofmt, vet, errcheck, staticcheck, errorlint, import graph; complexity as warnings'
	@echo 'make bench   set up Postgres, run the benchmarks once each'
	@echo 'make eval    score the conversation model (offline, and live when LLM_* is set) on the labelled set'
	@echo 'make setup   set up Postgres and build bin/bot'
	@echo 'make build | vet | fmt | clean'

setup:
	bash scripts/ensure-postgres.sh
	$(GO) build -o $(BIN) ./cmd/bot

sandbox: setup
	$(BIN) sandbox

demo: setup
	$(BIN) migrate
	$(BIN) import --sample --reset
	$(BIN) journey show "Acme Corp"

# Tests run in parallel, each on its own database; most of an end-to-end
# test's time is waiting on sockets, hence more of them than cores.
test:
	bash scripts/ensure-postgres.sh
	$(GO) vet ./...
	bash scripts/lint.sh
	$(GO) test -race -count=1 -parallel 6 ./...

test-quick:
	bash scripts/ensure-postgres.sh
	$(GO) test -short -count=1 ./...

test-dates:
	bash scripts/ensure-postgres.sh
	bash scripts/test-dates.sh

lint:
	bash scripts/lint.sh

bench:
	bash scripts/ensure-postgres.sh
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 60m -p 1 ./internal/bench/ ./internal/slackapp/

eval:
	$(GO) run ./cmd/bot eval

fmt:
	$(GO) fmt ./...

vet:
	$(GO) vet ./...

build:
	$(GO) build ./...
	$(GO) build -o $(BIN) ./cmd/bot

clean:
	rm -rf bin/
