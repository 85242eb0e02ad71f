# Hearsay: the two commands a newcomer needs are `make demo` and `make test`.
# Both install what is missing first (scripts/bootstrap).
SHELL := /bin/bash
.DEFAULT_GOAL := help
LANGS := ts python java ruby

.PHONY: help bootstrap gen build docs check typecheck lint format-check cycles \
        test test-ts test-python test-java test-ruby test-e2e test-netns demo java-jar clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

bootstrap: ## install Debian packages, npm deps, Python venv, Maven deps (idempotent)
	@scripts/bootstrap

gen: $(addprefix gen-,$(LANGS)) ## generate the stubs of every language from proto/ and thrift/

gen-%:
	@bash scripts/gen/$*.sh

build: gen ## generate, then compile the gateway, CLI and TypeScript SDK, then `make docs`
	@npm run --silent build
	@scripts/docs.sh

docs: ## render docs/*.dot to SVG (Graphviz) and docs/plots/*.svg from docs/bench-data/*.json
	@scripts/docs.sh

check: typecheck lint format-check cycles ## typecheck, lint, format check, import cycles

typecheck:
	@npx tsc -p tsconfig.json --noEmit && echo "check: typecheck ok"
lint:
	@npx eslint . && echo "check: lint ok"
format-check:
	@npx prettier --check . --log-level warn && echo "check: format ok"
cycles:
	@npx madge --circular --extensions ts --ts-config tsconfig.json src

test: bootstrap build check test-ts test-python test-java test-ruby test-e2e test-netns ## every test of every language
	@echo "make test: all suites passed"

test-ts: ## TypeScript unit, simulation and multi-process tests (vitest)
	@npx vitest run --exclude 'test/e2e/**' --exclude 'test/netns/**'

test-python test-java test-ruby:
	@bash scripts/test/$(subst test-,,$@).sh

test-e2e: ## cross-language end-to-end tests (real gateways, every sample client)
	@npx vitest run test/e2e

test-netns: ## multi-host faults in network namespaces: partition, 30 % loss, kills, rolling restart (root)
	@bash test/netns/run.sh

demo: bootstrap build java-jar ## a 3-gateway overlay, every language's sample client, the pipeline demo
	@node scripts/demo.mjs

java-jar: ## the Java SDK jar and its runtime classpath (the Java sample and pipeline broker run from them)
	@test -f clients/java/target/hearsay-client.jar -a -d clients/java/target/lib || \
		mvn -B -q -ntp -Dstyle.color=never -f clients/java package -DskipTests

clean: ## remove build output and generated code
	rm -rf dist src/gen clients/python/src/hearsay/_gen clients/python/examples/_gen clients/java/target clients/ruby/lib/hearsay/gen clients/ruby/examples/gen
