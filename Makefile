# SPIFFE Labs. Every target runs through Go; nothing else needs installing.
GO ?= go
LAB ?=
FORCE ?=
# A git revision for `make grade` to take the spec files, helpers/, fixtures/,
# go.mod and go.sum from; empty grades the files as they are.
PRISTINE ?=

LABS := $(GO) run ./cmd/labs
force_flag := $(if $(FORCE),-f,)
pristine_flag := $(if $(PRISTINE),-pristine $(PRISTINE),)

.PHONY: compose-check help test unit lint verify lab solve reset docs images clean status check hint watch diff grade solution-branch up down

help:
	@echo "make status           every lab with its state from its last run"
	@echo "make check LAB=a01    run one lab and summarize the result and the next step"
	@echo "make hint LAB=a01     show the lab's next hint"
	@echo "make watch LAB=a01    rerun the lab whenever you save one of its files (Enter reruns too)"
	@echo "make diff LAB=a01     your files against the reference solution"
	@echo "make grade            run every lab and write points to .labs/report (PRISTINE=<git ref> restores the specs first)"
	@echo "make solution-branch  create the branch solution with every lab solved, one commit per lab"
	@echo "make lab LAB=a01      run one lab's specs"
	@echo "make solve LAB=a01    write the reference solution over the lab's files (FORCE=1 skips the question)"
	@echo "make reset LAB=a01    restore the lab's exercise state (FORCE=1 skips the question)"
	@echo "make docs             fill the code embeds of the lab READMEs from the source files"
	@echo "make images           find or build the SPIRE images, showing progress"
	@echo "make clean            remove every container, network and volume of SPIFFE Labs"
	@echo "make up               start SPIRE and demo workloads that keep running, and print how to reach them"
	@echo "make down             remove the environment that make up started"
	@echo "make test             unit tests, workflow lint, the curriculum check (every lab both ways), the Compose check"

# The test command: the unit tests of the helpers and tools (no Docker
# needed), the workflow lint, then the curriculum check in a temporary copy of
# the repository.
test: unit lint verify compose-check

unit:
	$(GO) vet ./...
	$(GO) test -count=1 ./helpers/... ./cmd/...

# actionlint checks the GitHub Actions workflows; it is a Go tool of go.mod.
lint:
	$(GO) tool actionlint

verify:
	$(LABS) verify $(LAB)

# Brings compose/docker-compose.yml up with the local images and reaches the
# demo endpoint; the test skips itself, saying why, where no Compose tool runs.
compose-check:
	$(GO) test -count=1 ./compose/...

lab:
	@test -n "$(LAB)" || { echo "name a lab: make lab LAB=a01"; exit 2; }
	$(GO) test -count=1 -timeout 30m ./labs/$(LAB)/...

solve:
	@test -n "$(LAB)" || { echo "name a lab: make solve LAB=a01"; exit 2; }
	$(LABS) solve $(force_flag) $(LAB)

reset:
	@test -n "$(LAB)" || { echo "name a lab: make reset LAB=a01"; exit 2; }
	$(LABS) reset $(force_flag) $(LAB)

docs:
	$(LABS) docs

images:
	$(LABS) images

clean:
	$(LABS) clean

up:
	$(LABS) up

down:
	$(LABS) down

status:
	$(LABS) status

check:
	$(LABS) check $(LAB)

hint:
	$(LABS) hint $(LAB)

watch:
	$(LABS) watch $(LAB)

diff:
	$(LABS) diff $(LAB)

grade:
	$(LABS) grade $(pristine_flag)

solution-branch:
	$(LABS) solution-branch
