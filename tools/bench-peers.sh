#!/bin/sh
# Install the bench's DuckDB (the npm package @duckdb/node-api, whose
# platform package carries the library) into DIR/node_modules, once.
# Node and npm come from Debian where the machine has none.  Prints nothing and
# exits 0 when it is there; exits 1 with a message when it cannot be had,
# so the bench says so and goes on.
dir=${1:?usage: bench-peers.sh DIR}
[ -f "$dir/node_modules/@duckdb/node-api/package.json" ] && exit 0
# Debian's nodejs and npm, only where no node and npm are on the PATH
# (a machine with another Node keeps it).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	sh "$(dirname "$0")/deps.sh" nodejs npm || {
		echo "bench: node and npm could not be installed; no DuckDB rows" >&2
		exit 1
	}
fi
mkdir -p "$dir" || exit 1
echo "bench: installing @duckdb/node-api into $dir" >&2
if ! (cd "$dir" && npm install --silent --no-audit --no-fund \
	--no-package-lock @duckdb/node-api >&2); then
	echo "bench: could not install @duckdb/node-api" >&2
	exit 1
fi
