# Shared helpers for the bench/*.sh scripts (sourced, POSIX sh).
# Each script prints result rows through bench_row; bench/run gathers them.
# Environment: CRM_BIN, CRM_TOOLS (built programs), BENCH_DIR (a scratch
# directory kept between runs, for generated data), BENCH_SCALE (1 = the
# sizes the targets are stated for; smaller for a quick look).

: "${BENCH_DIR:=${TMPDIR:-/tmp}/crmkit-bench}"
: "${BENCH_SCALE:=1}"
mkdir -p "$BENCH_DIR"
: "${CRM_BIN:=${top:-.}/build/rel/bin}"
: "${CRM_TOOLS:=${top:-.}/build/rel/tools}"
PATH="$CRM_BIN:$CRM_TOOLS:$PATH"
command -v crm-gen >/dev/null 2>&1 || {
	echo "bench: crm-gen not found in $CRM_TOOLS (run make first)" >&2
	exit 2
}
export LC_ALL=C.UTF-8

# bench_n N: N scaled by BENCH_SCALE (at least 1000).
bench_n() {
	awk -v n="$1" -v s="$BENCH_SCALE" 'BEGIN { v = int(n * s); if (v < 1000) v = 1000; print v }'
}

# bench_secs CMD...: wall seconds of the best of three runs (output to
# /dev/null).  The command runs through sh -c, so pipes and redirections
# may be written in one string.
bench_secs() {
	best=
	for _ in 1 2 3; do
		s=$(date +%s%N)
		sh -c "$1" >/dev/null 2>&1
		e=$(date +%s%N)
		t=$(( e - s ))
		if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
	done
	awk -v t="$best" 'BEGIN { printf "%.3f\n", t / 1e9 }'
}

# bench_cpu CMD...: CPU seconds (user + system, all threads and child
# processes) of the least of three runs, through sh -c like bench_secs.
# Needs GNU time.
bench_cpu() {
	best=
	f=$(mktemp)
	for _ in 1 2 3; do
		/usr/bin/time -o "$f" -f '%U %S' sh -c "$1" >/dev/null 2>&1
		# the last line: a failed command's status line comes first
		t=$(awk 'END { printf "%d\n", ($1 + $2) * 1000 }' "$f")
		if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
	done
	rm -f "$f"
	awk -v t="$best" 'BEGIN { printf "%.3f\n", t / 1000 }'
}

# bench_row TOOL TASK OURS UNIT PEER PEERVAL RATIO TARGET
# One result row: what was measured, our figure, the peer's figure and
# the ratio (how many times better we are), and the target as text.
bench_row() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@"
}

# bench_ratio A B: A / B with two decimals ("-" when B is zero).
bench_ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "-"; else printf "%.2f\n", a / b }'
}

# bench_mbs BYTES SECONDS: throughput in MB/s.
bench_mbs() {
	awk -v b="$1" -v s="$2" 'BEGIN { if (s + 0 == 0) print "-"; else printf "%.1f\n", b / s / 1e6 }'
}

# bench_gen KIND COUNT FORMAT [ARGS...]: path of cached generated data.
bench_gen() {
	k=$1 c=$2 f=$3
	shift 3
	# the options are part of the name: other options, other data
	p="$BENCH_DIR/$k-$c$(printf '%s' "$*" | tr -c 'A-Za-z0-9' '_').$f"
	if [ ! -s "$p" ]; then
		crm-gen --format "$f" "$@" "$k" "$c" >"$p.tmp" && mv "$p.tmp" "$p" || {
			echo "bench: could not generate $k data" >&2
			rm -f "$p.tmp"
			exit 2
		}
	fi
	echo "$p"
}
