#!/usr/bin/env bats
# crm-gen: the synthetic data generator behind the benchmarks and the demo.

load helper

KINDS="customers transactions interactions complaints surveys lineitems"

@test "crm-gen: the same seed gives byte-identical output for every kind" {
	for k in $KINDS; do
		crm-gen --seed 7 "$k" 500 >a
		crm-gen --seed 7 "$k" 500 >b
		cmp a b
	done
}

@test "crm-gen: the default seed is 1" {
	crm-gen interactions 300 >a
	crm-gen --seed 1 interactions 300 >b
	cmp a b
}

@test "crm-gen: different seeds give different output for every kind" {
	for k in $KINDS; do
		crm-gen --seed 1 "$k" 200 >a
		crm-gen --seed 2 "$k" 200 >b
		run cmp -s a b
		assert_failure
	done
}

@test "crm-gen: each kind has exactly its documented header" {
	run sh -c 'crm-gen customers 1 | head -n 1'
	assert_output "$(printf 'customer_id\tname\tphone\temail\tstatus\tcreated\tcity\tgender\tbirth_year\toccupation')"
	run sh -c 'crm-gen transactions 1 | head -n 1'
	assert_output "$(printf 'customer_id\tdate\tamount\torder_id\tproduct\tchannel')"
	run sh -c 'crm-gen interactions 1 | head -n 1'
	assert_output "$(printf 'id\tts\tcustomer_id\tchannel\ttype\tinitiator\tagent\tduration_s\toutcome\tsatisfaction\tnext_action\tnote')"
	run sh -c 'crm-gen complaints 1 | head -n 1'
	assert_output "$(printf 'complaint_id\tts\tevent\tcustomer_id\tchannel\tagent\ttext')"
	run sh -c 'crm-gen surveys 1 | head -n 1'
	assert_output "$(printf 'customer_id\tdate\tinstrument\titem\texpectation\tscore\tchannel\tagent')"
	run sh -c 'crm-gen --format csv surveys 1 | head -n 1'
	assert_output 'customer_id,date,instrument,item,expectation,score,channel,agent'
	run sh -c 'crm-gen lineitems 1 | head -n 1'
	assert_output "$(printf 'InvoiceNo\tStockCode\tDescription\tQuantity\tInvoiceDate\tUnitPrice\tCustomerID\tCountry')"
	run sh -c 'crm-gen --format csv lineitems 1 | head -n 1'
	assert_output 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country'
}

@test "crm-gen: COUNT records follow the header, each with every column" {
	for k in $KINDS; do
		for n in 1 37 1000; do
			crm-gen "$k" "$n" >out
			run awk -F'\t' 'NR == 1 { nf = NF } NF != nf { bad++ }
				END { print NR, bad + 0 }' out
			assert_output "$((n + 1)) 0"
		done
	done
}

@test "crm-gen: COUNT 0 writes the header alone" {
	run crm-gen transactions 0
	assert_success
	assert_output "$(printf 'customer_id\tdate\tamount\torder_id\tproduct\tchannel')"
}

@test "crm-gen: --format csv quotes exactly the fields that need it" {
	crm-gen --seed 3 complaints 400 >t.tsv
	crm-gen --seed 3 --format csv complaints 400 >c.csv
	# Build the expected CSV from the TSV: a field with a comma or a
	# quote is quoted, inner quotes doubled; nothing else is quoted.
	awk -F'\t' '{
		for (i = 1; i <= NF; i++) {
			f = $i
			if (f ~ /[,"]/) { gsub(/"/, "\"\"", f); f = "\"" f "\"" }
			printf "%s%s", f, (i < NF ? "," : "\n")
		}
	}' t.tsv >want.csv
	cmp want.csv c.csv
	run grep -c '"[^"]*,[^"]*"$' c.csv
	assert [ "$output" -gt 10 ]
	run grep -c '""' c.csv
	assert [ "$output" -gt 0 ]
}

@test "crm-gen: an unknown kind exits 2 with a message" {
	run crm-gen bogus 10
	assert_failure 2
	assert_output --partial "crm-gen: unknown kind 'bogus'"
}

@test "crm-gen: usage errors exit 2 and name the culprit" {
	run crm-gen transactions
	assert_failure 2
	assert_output --partial 'crm-gen: expected KIND COUNT'
	run crm-gen transactions 12x
	assert_failure 2
	assert_output --partial "crm-gen: COUNT: not a count from 0 to 1000000000: '12x'"
	run crm-gen transactions -- -5
	assert_failure 2
	assert_output --partial "COUNT: not a count"
	run crm-gen --format xml transactions 5
	assert_failure 2
	assert_output --partial "crm-gen: --format: expected tsv or csv: 'xml'"
	run crm-gen --start 2025-02-30 transactions 5
	assert_failure 2
	assert_output --partial "crm-gen: --start: not a date YYYY-MM-DD: '2025-02-30'"
	run crm-gen --end 2025/01/01 transactions 5
	assert_failure 2
	assert_output --partial "crm-gen: --end: not a date YYYY-MM-DD: '2025/01/01'"
	run crm-gen --start 2025-06-01 --end 2025-05-31 transactions 5
	assert_failure 2
	assert_output --partial "crm-gen: --end is before --start: '2025-05-31'"
	run crm-gen --customers 0 transactions 5
	assert_failure 2
	assert_output --partial "crm-gen: --customers: not a count"
	run crm-gen --seed abc transactions 5
	assert_failure 2
	assert_output --partial "crm-gen: --seed: not a number"
	run crm-gen --colour transactions 5
	assert_failure 2
	assert_output --partial "crm-gen: unknown option: '--colour'"
	run crm-gen transactions 5 --seed
	assert_failure 2
	assert_output --partial "crm-gen: option needs a value: '--seed'"
}

@test "crm-gen: --help lists the kinds and their columns" {
	run crm-gen --help
	assert_success
	assert_line --index 0 --partial 'usage: crm-gen [--seed N]'
	assert_line '  transactions  customer_id,date,amount,order_id,product,channel'
	assert_line '  complaints    complaint_id,ts,event,customer_id,channel,agent,text'
	assert_line '  lineitems     InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country'
}

@test "crm-gen: lineitems is shaped like the UCI Online Retail export" {
	crm-gen --seed 4 lineitems 50000 >li.tsv
	# every field's form; a cancellation (C) has negative quantities only
	run awk -F'\t' 'NR > 1 {
		if ($1 !~ /^C?[0-9][0-9][0-9][0-9][0-9][0-9]$/) bad["InvoiceNo " $1]++
		if ($2 == "" || $3 == "") bad["StockCode/Description"]++
		if ($4 !~ /^-?[1-9][0-9]*$/ || ($1 ~ /^C/) != ($4 < 0)) bad["Quantity " $1 " " $4]++
		if ($5 !~ /^20[0-9][0-9]-[01][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:00$/ ||
		    $5 < "2010-12-01" || $5 > "2011-12-09 23") bad["InvoiceDate " $5]++
		if ($6 !~ /^[0-9]+\.[0-9][0-9][0-9]?$/ || $6 + 0 <= 0) bad["UnitPrice " $6]++
		if ($7 != "" && $7 !~ /^[1-9][0-9]*\.0$/) bad["CustomerID " $7]++
		n++; empty += $7 == ""; three += $6 ~ /\.[0-9][0-9][0-9]$/
		uk += $8 == "United Kingdom"; cancel += $1 ~ /^C/
		}
		END {
			for (k in bad) print "bad", k
			print (empty / n > 0.15 && empty / n < 0.25), \
			    (three > 0 && three / n < 0.05), (uk / n > 0.8 && uk < n), \
			    (cancel > 0 && cancel / n < 0.1)
		}' li.tsv
	assert_output '1 1 1 1'
	# an invoice: consecutive lines (1 to 30, of many sizes) of one date,
	# customer and country
	run awk -F'\t' 'NR > 1 {
		if ($1 != inv) { if (inv != "") size[cnt]++
			if ($1 in seen) bad++; seen[$1]; inv = $1; cnt = 0; key = $5 FS $7 FS $8 }
		else if ($5 FS $7 FS $8 != key) bad++
		cnt++ }
		END { size[cnt]++; for (k in size) { k += 0; if (k < 1 || k > 30) bad++; if (k > max) max = k }
			print bad + 0, length(size) >= 20, max }' li.tsv
	assert_output '0 1 30'
	# a cancellation repeats the lines of the customer's latest invoice
	# before it, with the quantities negated
	run awk -F'\t' 'NR > 1 && $7 != "" {
		if ($1 ~ /^C/) {
			if ($1 != cinv) { cinv = $1; k = 0; want = last[$7] }
			split(lines[want, ++k], f, FS)
			if (f[2] != $2 || f[3] != $3 || f[4] != -$4 || f[6] != $6) bad++
			checked++
		} else {
			if ($1 != last[$7]) { last[$7] = $1; n[$1] = 0 }
			lines[$1, ++n[$1]] = $0
		}
	} END { print bad + 0, (checked > 0) }' li.tsv
	assert_output '0 1'
	# lines skewed to a few customers: the top tenth buy more than a third
	run sh -c "awk -F'\t' 'NR > 1 && \$7 != \"\" { print \$7 }' li.tsv | sort | uniq -c | sort -rn |
	    awk '{ v[NR] = \$1; t += \$1 } END { for (i = 1; i <= NR / 10; i++) s += v[i]; print (s / t > 1 / 3) }'"
	assert_output 1
	# CSV quotes the descriptions that need it
	run sh -c 'crm-gen --seed 4 --format csv lineitems 50000 | grep -c "\"SET 3 RETROSPOT TEA,COFFEE,SUGAR\""'
	assert_success
}

@test "crm-gen: lineitems as transactions: crm-segment counts each invoice once" {
	crm-gen --seed 2 lineitems 20000 >li.tsv
	# the transactions: one line a product, amount = quantity x price
	awk -F'\t' 'BEGIN { OFS = "\t"; print "customer_id", "date", "amount", "order_id" }
		NR > 1 && $7 != "" { print $7, substr($5, 1, 10), sprintf("%.3f", $4 * $6), $1 }' li.tsv |
	    awk -F'\t' 'BEGIN { OFS = "\t" } NR > 1 { $3 = sprintf("%.2f", $3) } { print }' >tx.tsv
	awk -F'\t' 'NR > 1 && !(($1, $4) in s) { s[$1, $4]; n[$1]++ }
		END { for (c in n) print c, n[c] }' tx.tsv | sort >want
	run crm-segment --as-of 2011-12-31 tx.tsv
	assert_success
	printf '%s\n' "$output" | awk -F'\t' 'NR > 1 { print $1, $4 }' | sort >got
	cmp want got
}

@test "crm-gen: a full disk is a write error with exit 2" {
	[ -w /dev/full ] || skip "no /dev/full"
	run sh -c 'crm-gen transactions 100000 >/dev/full'
	assert_failure 2
	assert_output --partial 'crm-gen: write error'
}

@test "crm-gen: amounts have exactly two decimals, within range, some refunds" {
	crm-gen --customers 2000 transactions 20000 >tx
	run awk -F'\t' 'NR > 1 {
		if ($3 !~ /^-?[0-9]+\.[0-9][0-9]$/) bad++
		a = $3 < 0 ? -$3 : $3
		if (a < 19.90 || a > 20000) out++
		if ($3 < 0) neg++
	} END { print bad + 0, out + 0, (neg >= 40 && neg <= 200) }' tx
	assert_output '0 0 1'
}

@test "crm-gen: transactions come in date order with sequential order ids" {
	crm-gen --customers 500 transactions 5000 >tx
	run awk -F'\t' 'NR > 1 {
		if ($2 < prev) bad++
		prev = $2
		if ($4 != sprintf("O%07d", NR - 1)) bad++
		if ($1 != last) switches++
		last = $1
	} END { print bad + 0, (switches > 2000) }' tx
	assert_output '0 1'
}

@test "crm-gen: customer ids stay within --customers" {
	for k in transactions interactions complaints surveys; do
		crm-gen --customers 50 "$k" 3000 >out
		run awk -F'\t' 'NR > 1 {
			for (i = 1; i <= NF; i++) if ($i ~ /^C[0-9]+$/) id = $i
			n = substr(id, 2) + 0
			if (length(id) != 7 || n < 1 || n > 50) bad++
		} END { print bad + 0 }' out
		assert_output '0'
	done
}

@test "crm-gen: dates and timestamps stay within --start and --end" {
	crm-gen --start 2025-01-01 --end 2025-01-31 transactions 2000 >tx
	run awk -F'\t' 'NR > 1 && ($2 < "2025-01-01" || $2 > "2025-01-31") { bad++ }
		END { print bad + 0 }' tx
	assert_output '0'
	crm-gen --start 2025-01-01 --end 2025-01-31 interactions 2000 >ix
	run awk -F'\t' 'NR > 1 {
		if ($2 !~ /^2025-01-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\+08:00$/) bad++
		if ($2 < prev) bad++
		prev = $2
	} END { print bad + 0 }' ix
	assert_output '0'
}

@test "crm-gen: vocabularies are the documented ones" {
	crm-gen interactions 3000 >ix
	run awk -F'\t' 'NR > 1 {
		if ($4 !~ /^(visit|phone|sms|email|letter|ivr|chat|web|social|forum|event|self_service)$/) bad++
		if ($5 !~ /^(inquiry|care|complaint|suggestion|objection|order|followup|survey|other)$/) bad++
		if ($6 !~ /^(company|customer)$/) bad++
		if ($10 !~ /^[1-5]?$/) bad++
	} END { print bad + 0 }' ix
	assert_output '0'
	crm-gen customers 3000 >cu
	run awk -F'\t' 'NR > 1 {
		if ($5 !~ /^(potential|intent|customer|lost)$/) bad++
		if ($8 !~ /^[MF]$/) bad++
		if ($9 < 1950 || $9 > 2005) bad++
		if ($3 !~ /^\+[0-9]+$/) bad++
		if ($4 != "" && ($4 !~ /^[a-z0-9._]+@[a-z0-9.]+$/)) bad++
		if ($4 != "") mail++
	} END { print bad + 0, (mail > 1500 && mail < 2100) }' cu
	assert_output '0 1'
	crm-gen surveys 3000 >sv
	run awk -F'\t' 'NR > 1 {
		if ($3 == "csat" && ($6 < 1 || $6 > 5)) bad++
		if ($3 == "nps" && ($6 < 0 || $6 > 10)) bad++
		if ($3 == "ces" && ($6 < 1 || $6 > 7)) bad++
		if ($3 == "servqual" && ($5 < 1 || $5 > 7 || $6 < 1 || $6 > 7 ||
		    $4 !~ /^(tangibles|reliability|responsiveness|assurance|empathy)_[1-5]$/)) bad++
		if ($3 !~ /^(csat|nps|ces|servqual)$/) bad++
		seen[$3] = 1
	} END { print bad + 0, length(seen) }' sv
	assert_output '0 4'
}

@test "crm-gen: the top 20% of customers bring 70-90% of revenue" {
	crm-gen --customers 2000 transactions 20000 >tx
	awk -F'\t' 'NR > 1 {
		split($3, p, "."); c = p[1] * 100 + (p[1] ~ /^-/ ? -p[2] : p[2])
		rev[$1] += c
	} END { for (k in rev) print rev[k] }' tx | sort -rn >rev
	run awk '{ v[NR] = $1; t += $1 } END {
		k = int(NR / 5); for (i = 1; i <= k; i++) s += v[i]
		share = s / t
		print (share >= 0.70 && share <= 0.90) ? "ok" : "share " share
	}' rev
	assert_output 'ok'
}

@test "crm-gen: transactions agree with the customers of the same seed" {
	crm-gen --seed 4 customers 300 >cu
	crm-gen --seed 4 --customers 300 transactions 6000 >tx
	run awk -F'\t' '
		FNR == NR { if (FNR > 1) { st[$1] = $5; cr[$1] = $6 }; next }
		FNR > 1 {
			if (st[$1] != "customer" && st[$1] != "lost") bad++
			if ($2 < cr[$1]) bad++
			if (st[$1] == "lost" && $2 > "2026-05-26") bad++
			buyers[$1] = 1
		}
		END {
			for (c in st) if (st[c] == "lost") lost++
			print bad + 0, (length(buyers) > 150), (lost > 20)
		}' cu tx
	assert_output '0 1 1'
}

@test "crm-gen: --campaigns adds a campaign column to interactions and leaves the others as they were" {
	crm-gen --seed 3 interactions 2000 >plain.tsv
	run crm-gen --seed 3 --campaigns 4 interactions 2000
	assert_success
	printf '%s\n' "$output" >camp.tsv
	cut -f1-12 camp.tsv | cmp - plain.tsv
	assert_equal "$(head -n 1 camp.tsv | cut -f13)" campaign
	# only company-initiated care, follow-up and survey contacts carry one
	run awk -F '\t' 'NR > 1 && $13 != "" && ($6 != "company" || ($5 != "care" && $5 != "followup" && $5 != "survey"))' camp.tsv
	assert_output ''
	run sh -c "cut -f13 camp.tsv | sed 1d | grep -v '^\$' | sort -u"
	assert_output "$(printf '%s\n' summer-ac-check 国庆回馈 春季保养节 winter-tyres | sort)"
	run crm-gen --campaigns 2 transactions 5
	assert_failure 2
	assert_line --index 0 "crm-gen: --campaigns: for interactions only, not 'transactions'"
	run crm-gen --campaigns 0 interactions 5
	assert_failure 2
	assert_line --index 0 "crm-gen: --campaigns: not a count from 1 to 100: '0'"
}
