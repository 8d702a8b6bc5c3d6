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

# recipe NAME [PAGE]: the text of the block NAME of a man page (PAGE, else
# $PAGE, else man/crm.7) as a reader of the page sees it: the lines between
# the comment markers '.\" test: NAME' and '.\" end', so that a test runs
# the page's own example and the two cannot drift apart.  The only roff
# escape allowed in a block is \e (a backslash), so that undoing it is the
# whole rendering.
recipe() {
	local body page=${2:-${PAGE:-$BATS_TEST_DIRNAME/../man/crm.7}}
	body=$(sed -n "/^\\.\\\\\" test: $1\$/,/^\\.\\\\\" end\$/p" "$page" | sed '1d;$d')
	[ -n "$body" ] || { echo "no block '$1' in $page" >&2; return 1; }
	if printf '%s\n' "$body" | grep -q '\\[^e]\|^[.'"'"']'; then
		echo "block '$1' holds a roff escape or request other than \\e" >&2
		return 1
	fi
	printf '%s\n' "$body" | sed 's/\\e/\\/g'
}
