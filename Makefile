# SPIFFE Labs. Every target runs through Go; nothing else needs installing.
GO ?= go
LAB ?=
FORCE ?=

LABS := $(GO) run ./cmd/labs
force_flag := $(if $(FORCE),-f,)

.PHONY: help test unit verify lab solve reset images clean

help:
	@echo "make lab LAB=a01      run one lab's specs"
	@echo "make solve LAB=a01    write the reference solution over the lab's files (FORCE=1 skips the question)"
	@echo "make reset LAB=a01    restore the lab's exercise state (FORCE=1 skips the question)"
	@echo "make images           find or build the SPIRE images, showing progress"
	@echo "make clean            remove every container, network and volume of SPIFFE Labs"
	@echo "make test             unit tests, then the curriculum check (every lab both ways)"

# The test command: the helpers' unit tests (no Docker needed), then the
# curriculum check in a temporary copy of the repository.
test: unit verify

unit:
	$(GO) vet ./...
	$(GO) test -count=1 ./helpers/... ./cmd/...

verify:
	$(LABS) verify $(LAB)

lab:
	@test -n "$(LAB)" || { echo "name a lab: make lab LAB=a01"; exit 2; }
	$(GO) test -count=1 -timeout 30m ./labs/$(LAB)/...

solve:
	@test -n "$(LAB)" || { echo "name a lab: make solve LAB=a01"; exit 2; }
	$(LABS) solve $(force_flag) $(LAB)

reset:
	@test -n "$(LAB)" || { echo "name a lab: make reset LAB=a01"; exit 2; }
	$(LABS) reset $(force_flag) $(LAB)

images:
	$(LABS) images

clean:
	$(LABS) clean
