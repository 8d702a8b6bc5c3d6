# Shared set-up for the bats files: the programs under test come first on
# PATH, each test gets its own scratch directory, and bats-assert is loaded.
load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

: "${CRM_BIN:=$BATS_TEST_DIRNAME/../build/rel/bin}"
: "${CRM_TOOLS:=$BATS_TEST_DIRNAME/../build/rel/tools}"
PATH="$CRM_BIN:$CRM_TOOLS:$PATH"
FIX="$BATS_TEST_DIRNAME/fixtures"
export LC_ALL=C.UTF-8 TZ=UTC
unset CRM_DIR CRM_AS_OF

setup() {
	T="$BATS_TEST_TMPDIR"
	cd "$T" || return 1
}

# golden FILE: compare $output with the expected-output file FILE.
golden() {
	local want
	want=$(cat "$1"; printf x)
	want=${want%x}
	want=${want%$'\n'}
	assert_equal "$output" "$want"
}
