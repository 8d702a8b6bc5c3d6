# bash completion for the crmkit programs: crm-import, crm-log,
# crm-complaint, crm-segment, crm-report.  Options are read from each
# program's --help, so they never fall out of step with the program.

_crmkit_words() {
	case $1 in
	-k|--kind) echo "customers interactions transactions complaints surveys" ;;
	--channel) echo "visit phone sms email letter ivr chat web social forum event self_service" ;;
	--type) echo "inquiry care complaint suggestion objection order followup survey other" ;;
	--initiator) echo "company customer" ;;
	--event) echo "assign respond resolve reopen close" ;;
	--format) echo "table tsv csv jsonl md" ;;
	--period) echo "month quarter week" ;;
	--by) echo "month week channel agent item status city gender birth_year occupation blacklist lost_reason age_band tenure_band" ;;
	--time-unit) echo "day week month" ;;
	--churn-model) echo "none bgnbd pnbd" ;;
	--encoding) echo "GBK GB18030 BIG5 LATIN1 UTF-8" ;;
	esac
}

_crmkit() {
	local cur prev cmd sub words opts
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	cmd=${COMP_WORDS[0]}
	case $cmd in
	crm-log) sub="add show due check rekey stats" ;;
	crm-complaint) sub="open triage update list learn rekey" ;;
	crm-report) sub="satisfaction churn value complaints channels agents weekly campaigns" ;;
	*) sub= ;;
	esac
	if [ -n "$sub" ] && [ "$COMP_CWORD" -eq 1 ]; then
		mapfile -t COMPREPLY < <(compgen -W "$sub --help --version" -- "$cur")
		return
	fi
	words=$(_crmkit_words "$prev")
	if [ -n "$words" ]; then
		mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
		return
	fi
	if [[ $cur == -* ]]; then
		opts=$("$cmd" --help 2>&1 | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
		return
	fi
	mapfile -t COMPREPLY < <(compgen -f -- "$cur")
}

complete -o filenames -F _crmkit crm-import crm-log crm-complaint crm-segment crm-report
