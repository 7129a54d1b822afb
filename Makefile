# Journey: common tasks.
#
#   make demo    set up a local Postgres, build the bot, load the sample data and show a journey
#   make test    make sure Postgres is up, then go vet and every test
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

.PHONY: help setup demo sandbox test bench eval fmt vet build clean

help:
	@echo 'make sandbox set up Postgres, build bin/bot, run the bot against a local Slack with the sample data'
	@echo 'make demo    set up Postgres, build bin/bot, import the sample data, show "Acme Corp"'
	@echo 'make test    set up Postgres, go vet, run every test'
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

test:
	bash scripts/ensure-postgres.sh
	$(GO) vet ./...
	$(GO) test -count=1 ./...

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
