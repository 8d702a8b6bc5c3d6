#!/usr/bin/env bats
# crm-import: the record library's reading and writing rules (RFC 4180 CSV,
# canonical TSV), the per-kind checks and normalisation, rejects, duplicates,
# merging, store appends and the error paths.

load helper
bats_require_minimum_version 1.5.0

I="$FIX/import"

# in_fix: run from the fixture directory, so messages name the bare file.
in_fix() {
	cd "$I" || return 1
}

# ---- RFC 4180 and the canonical TSV writer ----

@test "crm-import: RFC 4180 cases become canonical TSV (commas, quotes, CRLF and LF inside quotes, empty fields, CJK, bare quotes)" {
	in_fix
	run crm-import --raw rfc4180.csv
	assert_success
	golden "$I/rfc4180.tsv"
}

@test "crm-import: a quoted CRLF is kept byte for byte (\\r\\n in TSV, CRLF again in CSV)" {
	in_fix
	run crm-import --raw rfc4180.csv
	assert_line --index 3 $'quoted CRLF\tline1\\r\\nline2\tx'
	crm-import --raw --format csv rfc4180.csv >"$T/out.csv"
	run grep -c $'^quoted CRLF,"line1\r$' "$T/out.csv"
	assert_output 1
	run grep -c $'^quoted LF,"line1$' "$T/out.csv"
	assert_output 1
}

@test "crm-import: CSV -> TSV -> CSV gives back the same bytes for every awkward character" {
	in_fix
	crm-import --raw awkward.csv >"$T/a.tsv"
	crm-import --raw --format csv "$T/a.tsv" >"$T/back.csv"
	cmp "$I/awkward.csv" "$T/back.csv"
	# and TSV -> TSV is the identity
	crm-import --raw "$T/a.tsv" >"$T/b.tsv"
	cmp "$T/a.tsv" "$T/b.tsv"
}

@test "crm-import: TSV escapes are undone on input and written back" {
	printf 'a\tb\nx\\ty\tp\\\\q\\nr\n' >in.tsv
	run crm-import --raw --format jsonl in.tsv
	assert_success
	assert_output '{"a":"x\ty","b":"p\\q\nr"}'
	run crm-import --raw in.tsv
	assert_output $'a\tb\nx\\ty\tp\\\\q\\nr'
}

@test "crm-import: an empty file gives no output and exit 0" {
	: >empty.csv
	run --separate-stderr crm-import --raw empty.csv
	assert_success
	assert_output ''
	assert_equal "$stderr" ''
	run crm-import -k transactions empty.csv
	assert_success
	assert_output ''
}

@test "crm-import: a header-only file gives the header only" {
	printf 'customer_id,date,amount\n' >h.csv
	run crm-import -k transactions h.csv
	assert_success
	assert_output $'customer_id\tdate\tamount'
}

@test "crm-import: the last record needs no final newline" {
	printf 'a,b\n1,2\n3,"x y"' >nonl.csv
	run crm-import --raw nonl.csv
	assert_success
	assert_output $'a\tb\n1\t2\n3\tx y'
}

@test "crm-import: a UTF-8 BOM is stripped from the first header name" {
	printf '\xef\xbb\xbfcustomer_id,date,amount\nC1,2026-11-23,5\n' >bom.csv
	run crm-import -k transactions bom.csv
	assert_success
	assert_output $'customer_id\tdate\tamount\nC1\t2026-11-23\t5.00'
}

@test "crm-import: CR-only line ends are line ends" {
	printf 'a,b\r1,2\r"3\r4",5\r' >mac.csv
	run crm-import --raw mac.csv
	assert_success
	assert_output $'a\tb\n1\t2\n3\\r4\t5'
}

@test "crm-import: --delimiter reads ';' and '|' exports, quotes still apply" {
	printf 'a;b\n"1;5";2\n' >semi.txt
	run crm-import --raw -d ';' semi.txt
	assert_success
	assert_output $'a\tb\n1;5\t2'
	printf 'a|b\nx|"y|z"\n' >pipe.txt
	run crm-import --raw --delimiter '|' pipe.txt
	assert_output $'a\tb\nx\ty|z'
	printf 'a\tb\n"1\t2"\t3\n' >excel.txt
	run crm-import --raw -d '\t' excel.txt
	assert_output $'a\tb\n1\\t2\t3'
}

@test "crm-import: a bare quote inside an unquoted field is kept as data" {
	printf 'size,note\n5" tyre,ok\n17",a"b"c\n' >q.csv
	run crm-import --raw q.csv
	assert_success
	assert_output $'size\tnote\n5" tyre\tok\n17"\ta"b"c'
}

@test "crm-import: an unterminated quoted field is fatal, reported at the line where it opened; earlier records stay written" {
	printf 'a,b\n1,2\n3,"open\n4,5\n6,7\n' >bad.csv
	run --separate-stderr crm-import --raw bad.csv
	assert_failure 2
	assert_output $'a\tb\n1\t2'
	assert_equal "$stderr" "crm-import: bad.csv:3: unterminated quoted field (opened here)"
}

@test "crm-import: UTF-8 and CJK text passes through unchanged" {
	printf 'id,note\n1,刹车异响，4S店态度很差 😠\n' >cjk.csv
	run crm-import --raw cjk.csv
	assert_output $'id\tnote\n1\t刹车异响，4S店态度很差 😠'
}

@test "crm-import: standard input is TSV unless --csv says otherwise" {
	run crm-import --raw <<<$'a,b\n1,2'
	assert_output $'a,b\n1,2'
	run crm-import --raw --csv <<<$'a,b\n1,2'
	assert_output $'a\tb\n1\t2'
	run crm-import --raw --tsv - <"$I/rfc4180.tsv"
	golden "$I/rfc4180.tsv"
}

# ---- values ----

@test "crm-import: every date form is normalised and bad dates are rejected with their line" {
	in_fix
	run --separate-stderr crm-import -k transactions dates.csv
	assert_failure 1
	golden "$I/dates.tsv"
	assert_equal "$stderr" "$(cat "$I/dates.err")"
}

@test "crm-import: --mdy and --dmy accept slash dates in that order" {
	printf 'customer_id,date,amount\nC1,11/23/2026,1\nC2,1/2/2026,1\n' >us.csv
	run crm-import -k transactions --mdy us.csv
	assert_success
	assert_output $'customer_id\tdate\tamount\nC1\t2026-11-23\t1.00\nC2\t2026-01-02\t1.00'
	run --separate-stderr crm-import -k transactions --dmy us.csv
	assert_failure 1
	assert_output $'customer_id\tdate\tamount\nC2\t2026-02-01\t1.00'
	assert_equal "$stderr" "crm-import: us.csv:2: date: month out of range (expected YYYY-MM-DD or D/M/YYYY, optionally with a time) '11/23/2026'
crm-import: 1 of 2 records rejected"
	run crm-import -k transactions --dmy --mdy us.csv
	assert_failure 2
	assert_output --partial 'crm-import: --mdy and --dmy exclude each other'
}

@test "crm-import: every amount form is normalised and bad amounts are rejected with their line" {
	in_fix
	run --separate-stderr crm-import -k transactions amounts.csv
	assert_failure 1
	golden "$I/amounts.tsv"
	assert_equal "$stderr" "$(cat "$I/amounts.err")"
}

@test "crm-import: phones, emails, vocabularies, integers and yes/no values of customers" {
	in_fix
	run --separate-stderr crm-import -k customers customers.csv
	assert_failure 1
	golden "$I/customers.tsv"
	assert_equal "$stderr" "$(cat "$I/customers.err")"
}

@test "crm-import: --country sets the country code of numbers written without one" {
	printf 'customer_id,phone\nC1,(415) 555-0134\nC2,+86 138 0013 8000\n' >p.csv
	run crm-import -k customers --country 1 p.csv
	assert_success
	assert_output $'customer_id\tphone\nC1\t+14155550134\nC2\t+8613800138000'
	run crm-import -k customers --country x p.csv
	assert_failure 2
	assert_output --partial "crm-import: --country: not a country code 'x'"
}

@test "crm-import: timestamps need an offset unless --local-time takes TZ" {
	printf 'complaint_id,ts,event\nK1,2026-11-23 09:30,open\n' >c.csv
	run --separate-stderr crm-import -k complaints c.csv
	assert_failure 1
	assert_equal "$stderr" "crm-import: c.csv:2: ts: missing UTC offset (write one, as in 2026-11-23 09:30+08:00, or give --local-time ZONE) '2026-11-23 09:30'
crm-import: 1 of 1 records rejected"
	TZ=Asia/Shanghai run crm-import -k complaints --local-time c.csv
	assert_success
	assert_output $'complaint_id\tts\tevent\nK1\t2026-11-23T09:30:00+08:00\topen'
}

@test "crm-import: a date column keeps the calendar day of a date-time; a bad time is rejected with the expected form" {
	printf '%s\n' customer_id,date,amount 'C1,2010-12-01 08:26:00,1' \
	    'C2,2010-12-01 08:26,1' 'C3,2010-12-01T08:26:00+08:00,1' \
	    'C4,2010-12-01T23:26:00-11:00,1' 'C5,2010-12-01T08:26:00Z,1' \
	    'C6,2026/11/23 09:30:00,1' 'C7,2026年11月23日 09:30,1' \
	    'C8,2026-11-23 24:00,1' 'C9,2026-11-23 9:60,1' \
	    'C10,2026-11-23 noon,1' 'C11,12/1/2010 8:26,1' 'C12,46349,1' >dt.csv
	run --separate-stderr crm-import -k transactions -r rej.tsv dt.csv
	assert_failure 1
	assert_output $'customer_id\tdate\tamount
C1\t2010-12-01\t1.00
C2\t2010-12-01\t1.00
C3\t2010-12-01\t1.00
C4\t2010-12-01\t1.00
C5\t2010-12-01\t1.00
C6\t2026-11-23\t1.00
C7\t2026-11-23\t1.00'
	assert_equal "$stderr" "crm-import: dt.csv:9: date: time out of range (expected H:MM or HH:MM:SS after the date, hours 0-23, minutes and seconds 0-59, an offset up to +-18:00) '2026-11-23 24:00'
crm-import: dt.csv:10: date: time out of range (expected H:MM or HH:MM:SS after the date, hours 0-23, minutes and seconds 0-59, an offset up to +-18:00) '2026-11-23 9:60'
crm-import: dt.csv:11: date: not a date (expected YYYY-MM-DD, optionally with a time; M/D/YYYY needs --mdy, D/M/YYYY --dmy) '2026-11-23 noon'
crm-import: dt.csv:12: date: not a date (expected YYYY-MM-DD, optionally with a time; M/D/YYYY needs --mdy, D/M/YYYY --dmy) '12/1/2010 8:26'
crm-import: dt.csv:13: date: not a date (expected YYYY-MM-DD, optionally with a time; M/D/YYYY needs --mdy, D/M/YYYY --dmy; an Excel serial day needs --excel-dates) '46349'
crm-import: 5 of 12 records rejected"
	assert_equal "$(cut -f2,3 rej.tsv)" $'line\tfield\n9\tdate\n10\tdate\n11\tdate\n12\tdate\n13\tdate'
	# month/day and day/month date-times, as Excel exports write them
	printf 'customer_id,date,amount\nC1,12/1/2010 8:26,1\n' >us.csv
	run crm-import -k transactions --mdy us.csv
	assert_success
	assert_output $'customer_id\tdate\tamount\nC1\t2010-12-01\t1.00'
	printf 'customer_id,date,amount\nC1,1/12/2010 08:26,1\nC2,1/13/2010 08:26,1\n' >eu.csv
	run --separate-stderr crm-import -k transactions --dmy eu.csv
	assert_failure 1
	assert_output $'customer_id\tdate\tamount\nC1\t2010-12-01\t1.00'
	assert_equal "$stderr" "crm-import: eu.csv:3: date: month out of range (expected YYYY-MM-DD or D/M/YYYY, optionally with a time) '1/13/2010 08:26'
crm-import: 1 of 2 records rejected"
}

# Excel serial days, checked independently with python3: for serials past
# 60, datetime.date(1899, 12, 30) + timedelta(days=serial) gives 61 ->
# 1900-03-01, 46349 -> 2026-11-23, 2958465 -> 9999-12-31; before 60 Excel
# counts from 1899-12-31 (1 -> 1900-01-01, 59 -> 1900-02-28), and its 60 is
# the 1900-02-29 that never was.
@test "crm-import: --excel-dates reads Excel serials (1 is 1900-01-01, 59 1900-02-28, 60 rejected, 61 1900-03-01, 46349 2026-11-23)" {
	printf '%s\n' customer_id,date,amount C1,1,1 C2,59,1 C3,60,1 C4,61,1 \
	    C5,46349,1 C6,46349.75,1 C7,2958465,1 C8,2958466,1 C9,0,1 \
	    C10,20261123,1 C11,2026-11-23,1 >x.csv
	run --separate-stderr crm-import -k transactions --excel-dates -r rej.tsv x.csv
	assert_failure 1
	assert_output $'customer_id\tdate\tamount
C1\t1900-01-01\t1.00
C2\t1900-02-28\t1.00
C4\t1900-03-01\t1.00
C5\t2026-11-23\t1.00
C6\t2026-11-23\t1.00
C7\t9999-12-31\t1.00
C10\t2026-11-23\t1.00
C11\t2026-11-23\t1.00'
	assert_equal "$stderr" "crm-import: x.csv:4: date: Excel serial 60 is 1900-02-29, a day that does not exist '60'
crm-import: x.csv:9: date: Excel serial out of range '2958466'
crm-import: x.csv:10: date: Excel serial out of range '0'
crm-import: 3 of 11 records rejected"
	assert_equal "$(cat rej.tsv)" $'file\tline\tfield\treason\trecord
x.csv\t4\tdate\tExcel serial 60 is 1900-02-29, a day that does not exist \'60\'\tC3,60,1
x.csv\t9\tdate\tExcel serial out of range \'2958466\'\tC8,2958466,1
x.csv\t10\tdate\tExcel serial out of range \'0\'\tC9,0,1'
	# in a timestamp column the fraction is the local time of day
	printf 'complaint_id,ts,event\nK1,46349.5,open\nK2,46349.3541666667,open\nK3,46349,open\n' >k.csv
	run crm-import -k complaints --excel-dates --local-time +08:00 k.csv
	assert_success
	assert_output $'complaint_id\tts\tevent
K1\t2026-11-23T12:00:00+08:00\topen
K2\t2026-11-23T08:30:00+08:00\topen
K3\t2026-11-23T00:00:00+08:00\topen'
}

@test "crm-import: a timestamp column takes a date alone (the start of the day) and a local time under --local-time ZONE" {
	printf '%s\n' complaint_id,ts,event K1,2019/9/24,open K2,2019-09-24,open \
	    'K3,2019/9/24 10:11,open' 'K4,2026-11-23 09:30:00,open' \
	    'K5,2026-11-23T09:30:00-05:00,open' 'K6,2026年11月23日 09:30,open' >c.csv
	run --separate-stderr crm-import -k complaints c.csv
	assert_failure 1
	assert_output $'complaint_id\tts\tevent\nK5\t2026-11-23T09:30:00-05:00\topen'
	assert_equal "${stderr%%$'\n'*}" "crm-import: c.csv:2: ts: missing UTC offset (write one, as in 2026-11-23 09:30+08:00, or give --local-time ZONE) '2019/9/24'"
	want=$'complaint_id\tts\tevent
K1\t2019-09-24T00:00:00+08:00\topen
K2\t2019-09-24T00:00:00+08:00\topen
K3\t2019-09-24T10:11:00+08:00\topen
K4\t2026-11-23T09:30:00+08:00\topen
K5\t2026-11-23T09:30:00-05:00\topen
K6\t2026-11-23T09:30:00+08:00\topen'
	run crm-import -k complaints --local-time +08:00 c.csv
	assert_success
	assert_output "$want"
	run crm-import -k complaints --local-time=+0800 c.csv
	assert_output "$want"
	run crm-import -k complaints --local-time Asia/Shanghai c.csv
	assert_output "$want"
	# a bare --local-time is the zone of TZ, as before
	TZ=Asia/Shanghai run crm-import -k complaints --local-time c.csv
	assert_output "$want"
	run crm-import -k complaints --local-time UTC c.csv
	assert_line --index 1 $'K1\t2019-09-24T00:00:00+00:00\topen'
	run crm-import -k complaints --local-time=Mars/Olympus c.csv
	assert_failure 2
	assert_line --index 0 "crm-import: --local-time: not a time zone (expected +HH:MM, UTC or a TZ database name such as Asia/Shanghai) 'Mars/Olympus'"
	run crm-import -k complaints --local-time=+19:00 c.csv
	assert_failure 2
	assert_line --index 0 "crm-import: --local-time: offset out of range '+19:00'"
}

@test "crm-import: --local-time in a zone with daylight saving: a repeated time is its first occurrence, a skipped one is rejected, a day that starts with a skipped hour starts after it" {
	# New York: clocks went forward 2026-03-08 02:00 and go back
	# 2026-11-01 02:00; Sao Paulo went forward at midnight, 2018-11-04
	printf '%s\n' complaint_id,ts,event 'K1,2026-03-08 01:59:59,open' \
	    'K2,2026-03-08 02:30,open' 'K3,2026-03-08 03:00,open' \
	    'K4,2026-11-01 01:30,open' 'K5,2026-11-01 02:00,open' >ny.csv
	run --separate-stderr crm-import -k complaints --local-time America/New_York ny.csv
	assert_failure 1
	assert_output $'complaint_id\tts\tevent
K1\t2026-03-08T01:59:59-05:00\topen
K3\t2026-03-08T03:00:00-04:00\topen
K4\t2026-11-01T01:30:00-04:00\topen
K5\t2026-11-01T02:00:00-05:00\topen'
	assert_equal "$stderr" "crm-import: ny.csv:3: ts: time skipped by a daylight saving change (the --local-time zone has no such time) '2026-03-08 02:30'
crm-import: 1 of 5 records rejected"
	printf 'complaint_id,ts,event\nK1,2018-11-04,open\nK2,2018-11-03,open\n' >sp.csv
	run crm-import -k complaints --local-time America/Sao_Paulo sp.csv
	assert_success
	assert_output $'complaint_id\tts\tevent
K1\t2018-11-04T01:00:00-02:00\topen
K2\t2018-11-03T00:00:00-03:00\topen'
}

@test "crm-import: full-width digits, letters and punctuation are read as ASCII in every column but free text" {
	printf '%s\n' customer_id,name,phone,email,status,birth_year,blacklist,created \
	    'Ｃ１００１,Ｗａｎｇ　１２３,１３８－００１３－８０００,ＷＡＮＧ＠ｅｘａｍｐｌｅ．ｃｏｍ,ＩＮＴＥＮＴ,１９８５,ｙｅｓ,２０２６－１１－２３' \
	    'C1002,x,,,,１８５０,,' >fw.csv
	run --separate-stderr crm-import -k customers fw.csv
	assert_failure 1
	assert_output $'customer_id\tname\tphone\temail\tstatus\tbirth_year\tblacklist\tcreated
C1001\tＷａｎｇ　１２３\t+8613800138000\twang@example.com\tintent\t1985\t1\t2026-11-23'
	assert_equal "$stderr" "crm-import: fw.csv:3: birth_year: out of range (1900..2100) '１８５０'
crm-import: 1 of 2 records rejected"
	printf 'customer_id,date,amount,quantity\nC1,２０２６年１１月２３日,１２３．５０,１２３\nC2,2026-11-23,1,１　２\n' >fw2.csv
	run --separate-stderr crm-import -k transactions fw2.csv
	assert_failure 1
	assert_output $'customer_id\tdate\tamount\tquantity\nC1\t2026-11-23\t123.50\t123'
	assert_equal "$stderr" "crm-import: fw2.csv:3: quantity: not an integer '１　２'
crm-import: 1 of 2 records rejected"
}

@test "crm-import: --id-integer writes the ids a spreadsheet made numbers without their zero decimals" {
	printf '%s\n' customer_id,date,amount,order_id C17850.0,2026-11-23,1,536365 \
	    17850.0,2026-11-23,1,536365.00 17850.5,2026-11-23,1,536366.0 \
	    17850.,2026-11-23,1,.0 >n.csv
	run crm-import -k transactions n.csv
	assert_success
	assert_output $'customer_id\tdate\tamount\torder_id
C17850.0\t2026-11-23\t1.00\t536365
17850.0\t2026-11-23\t1.00\t536365.00
17850.5\t2026-11-23\t1.00\t536366.0
17850.\t2026-11-23\t1.00\t.0'
	run crm-import -k transactions --id-integer n.csv
	assert_success
	assert_output $'customer_id\tdate\tamount\torder_id
C17850.0\t2026-11-23\t1.00\t536365
17850\t2026-11-23\t1.00\t536365
17850.5\t2026-11-23\t1.00\t536366
17850.\t2026-11-23\t1.00\t.0'
}

@test "crm-import: Chinese and English vocabulary synonyms are written in the canonical spelling; fax is still rejected" {
	printf '%s\n' id,ts,customer_id,channel,type,initiator \
	    I1,2026-11-23T09:00:00+08:00,C1,电话,咨询,客户 \
	    I2,2026-11-23T09:00:00+08:00,C1,Telephone,回访,公司 \
	    I3,2026-11-23T09:00:00+08:00,C1,微信,投诉,customer \
	    I4,2026-11-23T09:00:00+08:00,C1,在线客服,order,COMPANY \
	    'I5,2026-11-23T09:00:00+08:00,C1,Walk-In,问卷,' \
	    'I6,2026-11-23T09:00:00+08:00,C1,e-mail,其他,' \
	    'I7,2026-11-23T09:00:00+08:00,C1,官网,跟进,' \
	    'I8,2026-11-23T09:00:00+08:00,C1,Postal Mail,下单,' \
	    'I9,2026-11-23T09:00:00+08:00,C1,fax,其他,' \
	    'I10,2026-11-23T09:00:00+08:00,C1,短信,聊天,' >v.csv
	run --separate-stderr crm-import -k interactions v.csv
	assert_failure 1
	assert_output $'id\tts\tcustomer_id\tchannel\ttype\tinitiator
I1\t2026-11-23T09:00:00+08:00\tC1\tphone\tinquiry\tcustomer
I2\t2026-11-23T09:00:00+08:00\tC1\tphone\tfollowup\tcompany
I3\t2026-11-23T09:00:00+08:00\tC1\tchat\tcomplaint\tcustomer
I4\t2026-11-23T09:00:00+08:00\tC1\tchat\torder\tcompany
I5\t2026-11-23T09:00:00+08:00\tC1\tvisit\tsurvey\t
I6\t2026-11-23T09:00:00+08:00\tC1\temail\tother\t
I7\t2026-11-23T09:00:00+08:00\tC1\tweb\tfollowup\t
I8\t2026-11-23T09:00:00+08:00\tC1\tletter\torder\t'
	assert_equal "$stderr" "crm-import: v.csv:10: channel: unknown channel (accepted: visit, phone, sms, email, letter, ivr, chat, web, social, forum, event, self_service) 'fax'
crm-import: v.csv:11: type: unknown type (accepted: inquiry, care, complaint, suggestion, objection, order, followup, survey, other) '聊天'
crm-import: 2 of 10 records rejected"
	printf '%s\n' complaint_id,ts,event,cause,severity \
	    K1,2026-11-23T09:00:00+08:00,受理,过程,严重 \
	    K1,2026-11-23T10:00:00+08:00,指派,结果,紧急 \
	    K1,2026-11-23T11:00:00+08:00,已解决,期望,一般 \
	    K1,2026-11-23T12:00:00+08:00,结案,,低 >k.csv
	run crm-import -k complaints k.csv
	assert_success
	assert_output $'complaint_id\tts\tevent\tcause\tseverity
K1\t2026-11-23T09:00:00+08:00\topen\tprocess\thigh
K1\t2026-11-23T10:00:00+08:00\tassign\tresult\turgent
K1\t2026-11-23T11:00:00+08:00\tresolve\texpectation\tnormal
K1\t2026-11-23T12:00:00+08:00\tclose\t\tlow'
	printf '%s\n' customer_id,status,gender C1,潜在客户,男 C2,已购,Female C3,流失,woman C4,意向,X >g.csv
	run crm-import -k customers g.csv
	assert_success
	assert_output $'customer_id\tstatus\tgender\nC1\tpotential\tM\nC2\tcustomer\tF\nC3\tlost\tF\nC4\tintent\tX'
}

# reviews-gb18030.csv was written by python3 from UTF-8 text with
# .encode('gb18030'); its line 3 holds U+22EF (the bytes 81 36 E5 38),
# which GB18030 has and GBK has not ('\u22ef'.encode('gbk') fails).
@test "crm-import: a GB18030 export read as GBK rejects only the record with a character GBK lacks" {
	cd "$I" || return 1
	run --separate-stderr crm-import -k transactions --encoding GBK -r "$T/rej.tsv" reviews-gb18030.csv
	assert_failure 1
	assert_output $'customer_id\tdate\tamount\tproduct
C1\t2026-11-23\t10.00\t好评
C3\t2026-11-24\t30.00\t差评'
	assert_equal "$stderr" "crm-import: reviews-gb18030.csv:3: product: not valid GBK text (try --encoding GB18030) '还行\\x816\\xe58'
crm-import: 1 of 3 records rejected"
	assert_equal "$(cut -f1-3 "$T/rej.tsv")" $'file\tline\tfield\nreviews-gb18030.csv\t3\tproduct'
	run crm-import -k transactions --encoding GB18030 reviews-gb18030.csv
	assert_success
	assert_line --index 2 $'C2\t2026-11-23\t20.00\t还行⋯'
}

@test "crm-import: a vocabulary error lists the accepted values" {
	printf 'customer_id,date,instrument\nC1,2026-11-23,survey\n' >s.csv
	run --separate-stderr crm-import -k surveys s.csv
	assert_failure 1
	assert_equal "${stderr%%$'\n'*}" "crm-import: s.csv:2: instrument: unknown instrument (accepted: csat, nps, ces, servqual) 'survey'"
}

@test "crm-import: every reject reason goes to --rejects with its line, field and the raw record" {
	in_fix
	run --separate-stderr crm-import -k interactions -r "$T/rej.tsv" interactions.csv
	assert_failure 1
	golden "$I/interactions.tsv"
	assert_equal "$stderr" "$(cat "$I/interactions.err")"
	cmp "$I/interactions.rejects" "$T/rej.tsv"
}

@test "crm-import: the rejects file is created 0600 with its header even when nothing is rejected" {
	printf 'customer_id,date,amount\nC1,2026-11-23,5\n' >ok.csv
	umask 022
	run crm-import -k transactions -r rej.tsv ok.csv
	assert_success
	assert_equal "$(stat -c %a rej.tsv)" 600
	assert_equal "$(cat rej.tsv)" $'file\tline\tfield\treason\trecord'
}

@test "crm-import: a rejected TSV record is kept in the rejects file as its TSV line" {
	printf 'customer_id\tdate\tamount\nC1\tsoon\ta\\tb\n' >x.tsv
	run crm-import -k transactions -r rej.tsv x.tsv
	assert_failure 1
	assert_equal "$(sed -n 2p rej.tsv)" $'x.tsv\t2\tdate\tnot a date (expected YYYY-MM-DD, optionally with a time; M/D/YYYY needs --mdy, D/M/YYYY --dmy) \'soon\'\tC1\\tsoon\\ta\\\\tb'
}

@test "crm-import: invalid UTF-8 and NUL bytes are rejected with the field named" {
	printf 'customer_id,date,amount,note\nC1,2026-11-23,1,ok\nC2,2026-11-23,1,bad \xff byte\nC3,2026-11-23,1,nul \0 byte\nC4,2026-11-23,1,"quoted \xc3"\n' >u.csv
	run --separate-stderr crm-import -k transactions u.csv
	assert_failure 1
	assert_output $'customer_id\tdate\tamount\tnote\nC1\t2026-11-23\t1.00\tok'
	assert_equal "$stderr" "crm-import: u.csv:3: note: invalid UTF-8 'bad \\xff byte'
crm-import: u.csv:4: note: NUL byte in 'nul \\x00 byte'
crm-import: u.csv:5: note: invalid UTF-8 'quoted \\xc3'
crm-import: 3 of 4 records rejected"
}

@test "crm-import: --max-field and --max-record cap the reader, with a clear error past them" {
	printf 'customer_id,date,amount,note\nC1,2026-11-23,1,short\nC2,2026-11-23,1,this note is long\nC3,2026-11-23,1,"quoted and long"\n' >long.csv
	run --separate-stderr crm-import -k transactions --max-field 12 long.csv
	assert_failure 1
	assert_output $'customer_id\tdate\tamount\tnote\nC1\t2026-11-23\t1.00\tshort'
	assert_equal "$stderr" "crm-import: long.csv:3: note: field longer than 12 bytes 'this note is long'
crm-import: long.csv:4: note: field longer than 12 bytes
crm-import: 2 of 3 records rejected"
	printf 'a\tb\n1\t2\n1234567890\t1234567890\n3\t4\n' >long.tsv
	run --separate-stderr crm-import --raw --max-record 16 long.tsv
	assert_failure 1
	assert_output $'a\tb\n1\t2\n3\t4'
	assert_equal "$stderr" "crm-import: long.tsv:3: record longer than 16 bytes
crm-import: 1 of 3 records rejected"
	run crm-import --raw --max-field 0 long.tsv
	assert_failure 2
	assert_output --partial "crm-import: --max-field: not a size '0'"
}

@test "crm-import: a field just past a small --max-field is quoted alone in the message (no bytes after it)" {
	printf 'a\tb\n1\t12345678901\n' >s.tsv
	run --separate-stderr crm-import --raw --max-field 10 s.tsv
	assert_failure 1
	assert_equal "$stderr" "crm-import: s.tsv:2: b: field longer than 10 bytes '12345678901'
crm-import: 1 of 1 records rejected"
	printf 'a,b\n12345678901,x\n' >s.csv
	run --separate-stderr crm-import --raw --max-field 10 s.csv
	assert_failure 1
	assert_equal "$stderr" "crm-import: s.csv:2: a: field longer than 10 bytes '12345678901'
crm-import: 1 of 1 records rejected"
}

# ---- headers and columns ----

@test "crm-import: a GBK-encoded Excel export with Chinese headers imports with --encoding and --map" {
	iconv -f UTF-8 -t GBK "$I/customers-zh.utf8.csv" >zh.csv
	run crm-import -k customers --encoding GBK \
	    --map '客户编号=customer_id,姓名=name,手机=phone,邮箱=email,城市=city,注册日期=created' zh.csv
	assert_success
	golden "$I/customers-zh.tsv"
}

@test "crm-import: GBK bytes read as UTF-8 stop at the header with a hint; a bad encoding name is fatal" {
	iconv -f UTF-8 -t GBK "$I/customers-zh.utf8.csv" >zh.csv
	run --separate-stderr crm-import -k customers zh.csv
	assert_failure 2
	assert_equal "$stderr" "crm-import: zh.csv:1: field 1: invalid UTF-8 '\\xbfͻ\\xa7\\xb1\\xe0\\xba\\xc5' (another encoding? see --encoding)"
	run crm-import -k customers --encoding NO-SUCH-CODE zh.csv
	assert_failure 2
	assert_line --index 0 "crm-import: --encoding: unknown encoding 'NO-SUCH-CODE' (see iconv -l)"
}

@test "crm-import: bytes that are not valid in the --encoding reject their record, named by line and field; the import goes on" {
	printf 'customer_id,name\nC1,ok\nC2,bad \x81\x20 byte\nC3,after\n' >g.csv
	run --separate-stderr crm-import -k customers --encoding GBK -r rej.tsv g.csv
	assert_failure 1
	assert_output $'customer_id\tname\nC1\tok\nC3\tafter'
	assert_equal "$stderr" "crm-import: g.csv:3: name: not valid GBK text (try --encoding GB18030) 'bad \\x81  byte'
crm-import: 1 of 3 records rejected"
	# the rejects file has the record with its bytes as they were
	assert_equal "$(sed -n 2p rej.tsv)" $'g.csv\t3\tname\tnot valid GBK text (try --encoding GB18030) \'bad \\\\x81  byte\'\tC2,bad \x81  byte'
	# in TSV too, and a bad header is still fatal
	printf 'customer_id\tname\nC1\tx\xffy\nC2\tok\n' >g.tsv
	run --separate-stderr crm-import -k customers --encoding GBK g.tsv
	assert_failure 1
	assert_output $'customer_id\tname\nC2\tok'
	assert_equal "$stderr" "crm-import: g.tsv:2: name: not valid GBK text (try --encoding GB18030) 'x\\xffy'
crm-import: 1 of 2 records rejected"
	printf '\x81\x20,b\n1,2\n' >h.csv
	run --separate-stderr crm-import --raw --encoding GBK h.csv
	assert_failure 2
	assert_output ''
	assert_equal "$stderr" "crm-import: h.csv:1: field 1: not valid GBK text (try --encoding GB18030) '\\x81 '"
	# other encodings are named without the GB18030 hint
	printf 'customer_id,name\nC1,\xa0\xfd\n' >s.csv
	run --separate-stderr crm-import -k customers --encoding SHIFT_JIS s.csv
	assert_failure 1
	assert_equal "${stderr%%$'\n'*}" "crm-import: s.csv:2: name: not valid SHIFT_JIS text '\\xa0\\xfd'"
}

@test "crm-import: Latin-1 input is converted with --encoding" {
	printf 'customer_id,name\nC1,Jos\xe9 M\xfcller\n' >l1.csv
	run crm-import -k customers --encoding LATIN1 l1.csv
	assert_success
	assert_output $'customer_id\tname\nC1\tJosé Müller'
}

@test "crm-import: missing required columns are fatal and named" {
	printf 'customer_id,amount\nC1,5\n' >m.csv
	run --separate-stderr crm-import -k transactions m.csv
	assert_failure 2
	assert_output ''
	assert_equal "$stderr" "crm-import: m.csv: missing required column for transactions: date"
	printf 'who\nC1\n' >m2.csv
	run --separate-stderr crm-import -k interactions m2.csv
	assert_failure 2
	assert_equal "$stderr" "crm-import: m2.csv: missing required columns for interactions: id, ts, customer_id, channel, type"
}

@test "crm-import: unknown columns pass through unchanged, in the input's order" {
	printf 'note,amount,shop,customer_id,date\n  spaced  ,5,A,C1,2026-11-23\n' >o.csv
	run crm-import -k transactions o.csv
	assert_success
	assert_output $'note\tamount\tshop\tcustomer_id\tdate\n  spaced  \t5.00\tA\tC1\t2026-11-23'
}

@test "crm-import: a column named twice after renaming is fatal" {
	printf 'id,cid,date,amount\n1,C1,2026-11-23,5\n' >d.csv
	run crm-import -k transactions -m id=customer_id,cid=customer_id d.csv
	assert_failure 2
	assert_output "crm-import: d.csv: column 'customer_id' appears twice"
}

@test "crm-import: --no-header with --columns names the columns of a headerless file" {
	printf 'C1,2026-11-23,5\nC2,2026-11-24\nC3,bad,7\n' >nh.csv
	run --separate-stderr crm-import -k transactions --no-header --columns customer_id,date,amount nh.csv
	assert_failure 1
	assert_output $'customer_id\tdate\tamount\nC1\t2026-11-23\t5.00'
	assert_equal "$stderr" "crm-import: nh.csv:2: expected 3 fields, found 2
crm-import: nh.csv:3: date: not a date (expected YYYY-MM-DD, optionally with a time; M/D/YYYY needs --mdy, D/M/YYYY --dmy) 'bad'
crm-import: 2 of 3 records rejected"
	run crm-import -k transactions --no-header nh.csv
	assert_failure 2
	assert_output --partial 'crm-import: --no-header needs --columns'
}

@test "crm-import: several files are aligned by column name; different columns are fatal" {
	printf 'customer_id,date,amount\nC1,2026-11-23,5\n' >a.csv
	printf 'amount\tcustomer_id\tdate\n7\tC2\t2026-11-24\n' >b.tsv
	run crm-import -k transactions a.csv b.tsv
	assert_success
	assert_output $'customer_id\tdate\tamount\nC1\t2026-11-23\t5.00\nC2\t2026-11-24\t7.00'
	printf 'customer_id,date,amount,extra\nC3,2026-11-23,5,x\n' >c.csv
	run --separate-stderr crm-import -k transactions a.csv c.csv
	assert_failure 2
	assert_output $'customer_id\tdate\tamount\nC1\t2026-11-23\t5.00'
	assert_equal "$stderr" "crm-import: c.csv: columns (customer_id, date, amount, extra) differ from those of the first input"
}

@test "crm-import: a missing file is reported, the others are still imported, exit 1" {
	printf 'customer_id,date,amount\nC1,2026-11-23,5\n' >a.csv
	run --separate-stderr crm-import -k transactions nosuch.csv a.csv
	assert_failure 1
	assert_output $'customer_id\tdate\tamount\nC1\t2026-11-23\t5.00'
	assert_equal "$stderr" "crm-import: nosuch.csv: No such file or directory"
}

@test "crm-import: --format csv and jsonl write the same records (numbers bare in JSON Lines)" {
	printf 'customer_id,date,amount,note\nC1,2026-11-23,"1,234.5","a, ""b"""\n' >f.csv
	run crm-import -k transactions --format csv f.csv
	assert_output $'customer_id,date,amount,note\nC1,2026-11-23,1234.50,"a, ""b"""'
	run crm-import -k transactions --format jsonl f.csv
	assert_output '{"customer_id":"C1","date":"2026-11-23","amount":1234.50,"note":"a, \"b\""}'
}

# ---- --check ----

@test "crm-import: --check adds a PCRE2 rule on the normalised value; empty values are not checked" {
	printf 'customer_id,phone,email\nC1,13800138000,\nX2,13900139000,\nC3,,a@b.cn\nC4,+1 212 555 0100,\n' >k.csv
	run --separate-stderr crm-import -k customers --check 'customer_id=^C\d+$' --check 'phone=^\+86' k.csv
	assert_failure 1
	assert_output $'customer_id\tphone\temail\nC1\t+8613800138000\t\nC3\t\ta@b.cn'
	assert_equal "$stderr" "crm-import: k.csv:3: customer_id: does not match /^C\\d+\$/ 'X2'
crm-import: k.csv:5: phone: does not match /^\\+86/ '+12125550100'
crm-import: 2 of 4 records rejected"
}

@test "crm-import: --check errors: a bad pattern, a missing column, a missing '='" {
	printf 'customer_id\nC1\n' >k.csv
	run crm-import -k customers --check 'customer_id=(' k.csv
	assert_failure 2
	assert_output "crm-import: --check 'customer_id=(': missing closing parenthesis at offset 1"
	run crm-import -k customers --check 'phone=^1' k.csv
	assert_failure 2
	assert_output "crm-import: --check: k.csv has no column 'phone'"
	run crm-import -k customers --check 'nothing' k.csv
	assert_failure 2
	assert_output --partial "crm-import: --check: expected FIELD=REGEX, got 'nothing'"
}

@test "crm-import: a catastrophic --check pattern fails the record fast instead of hanging" {
	printf 'customer_id,name\nC1,%s!\n' "$(printf 'a%.0s' $(seq 1 40))" >cat.csv
	run --separate-stderr crm-import -k customers --check 'name=^(a+)+$' cat.csv
	assert_failure 1
	assert_output 'customer_id	name'
	assert_equal "${stderr%%$'\n'*}" "crm-import: cat.csv:2: name: cannot match /^(a+)+\$/: match limit exceeded 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'"
}

# ---- duplicates and merging ----

@test "crm-import: --dedupe drops repeats of the whole normalised transaction, counted and sent to --rejects" {
	in_fix
	run --separate-stderr crm-import -k transactions --dedupe -r "$T/rej.tsv" dupes.csv
	assert_success
	assert_output $'customer_id\tdate\tamount\tproduct\nC1\t2026-11-23\t100.00\ttyre\nC1\t2026-11-23\t100.00\twiper\nC2\t2026-11-24\t5.00\toil'
	assert_equal "$stderr" "crm-import: 2 duplicate records dropped"
	assert_equal "$(cat "$T/rej.tsv")" $'file\tline\tfield\treason\trecord\ndupes.csv\t3\t\tduplicate of line 2\tC1,2026/11/23,100.00,tyre\ndupes.csv\t6\t\tduplicate of line 2\tC1,20261123,¥100,tyre'
}

@test "crm-import: --dedupe keys customers on customer_id, also across files" {
	printf 'customer_id,name\nC1,A\nC2,B\nC1,A again\n' >a.csv
	printf 'customer_id,name\nC2,B again\n' >b.csv
	run --separate-stderr crm-import -k customers --dedupe -r rej.tsv a.csv b.csv
	assert_success
	assert_output $'customer_id\tname\nC1\tA\nC2\tB'
	assert_equal "$stderr" "crm-import: 2 duplicate records dropped"
	assert_equal "$(cut -f1-4 rej.tsv)" $'file\tline\tfield\treason\na.csv\t4\tcustomer_id\tduplicate of line 2\nb.csv\t2\tcustomer_id\tduplicate of a.csv:3'
}

@test "crm-import: without --dedupe repeats are kept" {
	printf 'customer_id,name\nC1,A\nC1,A\n' >a.csv
	run crm-import -k customers a.csv
	assert_success
	assert_output $'customer_id\tname\nC1\tA\nC1\tA'
}

@test "crm-import: --merge-on phone,email merges three records of one person (A~B by phone, B~C by email) and writes the id map" {
	in_fix
	run --separate-stderr crm-import -k customers --merge-on phone,email --id-map "$T/map.tsv" merge.csv
	assert_success
	golden "$I/merge.tsv"
	assert_equal "$stderr" "crm-import: 7 records merged into 4 customers"
	cmp "$I/merge.idmap" "$T/map.tsv"
	assert_equal "$(stat -c %a "$T/map.tsv")" 600
}

@test "crm-import: --rekey carries a three-way merge over to transactions (only mapped ids change, after normalising)" {
	in_fix
	crm-import -k customers --merge-on phone,email --id-map "$T/map.tsv" merge.csv >/dev/null 2>&1
	cd "$T"
	printf 'customer_id,date,amount,order_id\nC3,2026-11-23,5,O1\nC4,2026-11-24,6,O2\nC2,2026-11-25,"1,234.50",O3\n C1 ,2026-11-26,7,O4\n C2 ,2026-11-27,8,O5\n' >orders.csv
	run --separate-stderr crm-import -k transactions --rekey map.tsv orders.csv
	assert_success
	assert_equal "$stderr" ''
	assert_output $'customer_id\tdate\tamount\torder_id\nC1\t2026-11-23\t5.00\tO1\nC4\t2026-11-24\t6.00\tO2\nC1\t2026-11-25\t1234.50\tO3\nC1\t2026-11-26\t7.00\tO4\nC1\t2026-11-27\t8.00\tO5'
}

@test "crm-import: --rekey works for every kind with customer_id, and --dedupe then sees re-keyed customers as one" {
	printf 'old_id\tnew_id\nC2\tC1\n' >map.tsv
	printf 'id,ts,customer_id,channel,type\nI1,2026-11-23T10:00:00+08:00,C2,phone,inquiry\n' >i.csv
	run crm-import -k interactions --rekey map.tsv i.csv
	assert_success
	assert_line --index 1 --partial $'\tC1\tphone\t'
	printf 'customer_id,name\nC1,Wang\nC2,Wang X\nC3,Li\n' >c.csv
	run --separate-stderr crm-import -k customers --rekey map.tsv --dedupe c.csv
	assert_success
	assert_output $'customer_id\tname\nC1\tWang\nC3\tLi'
	assert_equal "$stderr" 'crm-import: 1 duplicate record dropped'
}

@test "crm-import: a --rekey map that cannot be read or is not an id map is fatal (exit 2), before any output" {
	printf 'customer_id,date,amount\nC2,2026-11-23,5\n' >t.csv
	run --separate-stderr crm-import -k transactions --rekey nope.tsv t.csv
	assert_failure 2
	assert_output ''
	assert_equal "$stderr" 'crm-import: --rekey: nope.tsv: No such file or directory'
	printf 'old\tnew\nC2\tC1\n' >bad.tsv
	run --separate-stderr crm-import -k transactions --rekey bad.tsv t.csv
	assert_failure 2
	assert_output ''
	assert_equal "$stderr" "crm-import: --rekey: bad.tsv: no column 'old_id' (an id map has columns old_id and new_id)"
	printf 'old_id\tnew\n' >half.tsv
	run --separate-stderr crm-import -k transactions --rekey half.tsv t.csv
	assert_failure 2
	assert_equal "$stderr" "crm-import: --rekey: half.tsv: no column 'new_id' (an id map has columns old_id and new_id)"
	: >empty.tsv
	run --separate-stderr crm-import -k transactions --rekey empty.tsv t.csv
	assert_failure 2
	assert_equal "$stderr" 'crm-import: --rekey: empty.tsv: empty file, expected columns old_id and new_id'
	printf 'old_id\tnew_id\nC2\tC1\nC2\tC9\n' >twice.tsv
	run --separate-stderr crm-import -k transactions --rekey twice.tsv t.csv
	assert_failure 2
	assert_equal "$stderr" "crm-import: --rekey: twice.tsv:3: old_id: mapped twice, to 'C1' and 'C9'"
	printf 'old_id\tnew_id\nC2\t\n' >blank.tsv
	run --separate-stderr crm-import -k transactions --rekey blank.tsv t.csv
	assert_failure 2
	assert_equal "$stderr" 'crm-import: --rekey: blank.tsv:2: new_id: empty value'
	mkdir dir.tsv
	run --separate-stderr crm-import -k transactions --rekey dir.tsv t.csv
	assert_failure 2
	assert_output ''
	assert_equal "${stderr%%:*}" 'crm-import'
	assert_equal "${stderr#crm-import: --rekey: dir.tsv: }" 'Is a directory'
	run crm-import --raw --rekey blank.tsv t.csv
	assert_failure 2
	assert_line --index 0 'crm-import: --raw takes no --check, --dedupe, --merge-on, --id-map or --rekey'
}

# ---- --excel-safe ----

@test "crm-import: --excel-safe neutralises formula cells in CSV output and leaves numbers alone" {
	in_fix
	crm-import --raw --format csv --excel-safe excel.tsv >"$T/out.csv"
	cmp "$I/excel-safe.csv" "$T/out.csv"
	# without it the cells go out as they came
	run crm-import --raw --format csv excel.tsv
	assert_success
	assert_line --index 1 '"=HYPERLINK(""http://e.x"",""c"")",@SUM(A1),-15.20'
	assert_line --index 2 $'-x,+3,\ttab'
}

@test "crm-import: --excel-safe with a kind, and only with --format csv" {
	printf 'customer_id,name,city\nC1,=1+2,-15.20\n' >c.csv
	run crm-import -k customers --format csv --excel-safe c.csv
	assert_success
	assert_output $'customer_id,name,city\nC1,"\'=1+2",-15.20'
	run --separate-stderr crm-import -k customers --excel-safe c.csv
	assert_failure 2
	assert_output ''
	assert_equal "${stderr_lines[0]}" 'crm-import: --excel-safe needs --format csv'
	run --separate-stderr crm-import -k customers --format jsonl --excel-safe c.csv
	assert_failure 2
	assert_equal "${stderr_lines[0]}" 'crm-import: --excel-safe needs --format csv'
}

@test "crm-import: --merge-on merges records with the same customer_id, ignores empty values, and writes no id map line for an unchanged id" {
	printf 'customer_id,name,email\nC1,,\nC2,Li,\nC1,Wang,w@x.cn\n' >c.csv
	run --separate-stderr crm-import -k customers --merge-on email --id-map map.tsv c.csv
	assert_success
	assert_output $'customer_id\tname\temail\nC1\tWang\tw@x.cn\nC2\tLi\t'
	assert_equal "$stderr" "crm-import: 3 records merged into 2 customers"
	assert_equal "$(cat map.tsv)" $'old_id\tnew_id'
	printf 'customer_id,phone\nC1,13800138000\nC2,+86 138 0013 8000\n' >p.csv
	run --separate-stderr crm-import -k customers --merge-on phone p.csv
	assert_output $'customer_id\tphone\nC1\t+8613800138000'
	assert_equal "$stderr" "crm-import: 2 records merged into 1 customer"
}

@test "crm-import: --merge-on and --id-map usage errors" {
	printf 'customer_id,date,amount\nC1,2026-11-23,5\n' >t.csv
	run crm-import -k transactions --merge-on phone t.csv
	assert_failure 2
	assert_output --partial 'crm-import: --merge-on works on customers only'
	run crm-import -k customers --id-map m.tsv t.csv
	assert_failure 2
	assert_output --partial 'crm-import: --id-map needs --merge-on'
	printf 'customer_id,phone\nC1,1\n' >c.csv
	run crm-import -k customers --merge-on phone,email c.csv
	assert_failure 2
	assert_output "crm-import: --merge-on: c.csv has no column 'email'"
}

# ---- limits on hostile input, with the memory capped ----

# capped CMD: run CMD (a shell string) in bash with the address space capped
# at about 1 GB, so a reader that buffered without bound would fail here.
# The sanitizer build needs a huge virtual address space: there it runs
# without the cap (ASan still reports any overflow).
capped() {
	if [[ ${CRM_BIN:-} == *san* ]]; then
		run --separate-stderr bash -c "$1"
	else
		run --separate-stderr bash -c "ulimit -v 1000000; $1"
	fi
}

@test "crm-import: a header of 10^6 columns is refused with 'more than 65536 fields' (TSV and CSV)" {
	capped 'seq 1000000 | paste -sd"\t" | crm-import --raw'
	assert_failure 2
	assert_output ''
	assert_equal "$stderr" 'crm-import: -:1: more than 65536 fields'
	capped 'seq 1000000 | paste -sd, | crm-import -k customers --csv'
	assert_failure 2
	assert_output ''
	assert_equal "$stderr" 'crm-import: -:1: more than 65536 fields'
}

@test "crm-import: a 1 GB single-line input is refused with 'record longer than' the cap" {
	capped "head -c 1000000000 /dev/zero | tr '\\0' a | crm-import --raw"
	assert_failure 2
	assert_output ''
	assert_equal "$stderr" 'crm-import: -:1: record longer than 16777216 bytes'
}

# ---- --append to a store file ----

@test "crm-import: --append creates the store 0600 with the kind's columns, then appends" {
	printf 'customer_id,date,amount\nC1,2026-11-23,5\n' >a.csv
	printf 'customer_id,date,amount\nC2,2026-11-24,6\nC3,bad,1\n' >b.csv
	umask 022
	run crm-import -k transactions --append store.tsv a.csv
	assert_success
	assert_output ''
	assert_equal "$(stat -c %a store.tsv)" 600
	run crm-import -k transactions --append store.tsv b.csv
	assert_failure 1
	assert_equal "$(cat store.tsv)" $'customer_id\tdate\tamount\torder_id\tquantity\tunit_price\tproduct\tchannel\nC1\t2026-11-23\t5.00\t\t\t\t\t\nC2\t2026-11-24\t6.00\t\t\t\t\t'
}

@test "crm-import: --append puts each record in the store's columns by name" {
	printf 'product\tcustomer_id\tdate\tamount\tvip\nsofa\tC0\t2026-01-01\t1.00\t\n' >store.tsv
	printf 'amount,customer_id,date\n5,C1,2026-11-23\n' >a.csv
	run crm-import -k transactions --append store.tsv a.csv
	assert_success
	assert_equal "$(cat store.tsv)" $'product\tcustomer_id\tdate\tamount\tvip\nsofa\tC0\t2026-01-01\t1.00\t\n\tC1\t2026-11-23\t5.00\t'
	# a column of its own is kept on a new store, after the kind's
	printf 'customer_id,date,amount,vip\nC1,2026-11-23,5,yes\n' >v.csv
	run crm-import -k transactions --append new.tsv v.csv
	assert_success
	assert_equal "$(cat new.tsv)" $'customer_id\tdate\tamount\torder_id\tquantity\tunit_price\tproduct\tchannel\tvip\nC1\t2026-11-23\t5.00\t\t\t\t\t\tyes'
}

@test "crm-import: --append refuses a column the store lacks, leaving it untouched" {
	printf 'customer_id\tdate\tamount\nC0\t2026-01-01\t1.00\n' >store.tsv
	cp store.tsv before.tsv
	printf 'customer_id,date,amount,product\nC1,2026-11-23,5,tyre\n' >a.csv
	run --separate-stderr crm-import -k transactions --append store.tsv a.csv
	assert_failure 2
	assert_output ''
	assert_equal "$stderr" "crm-import: store.tsv: the store has no column 'product' (its columns: customer_id, date, amount)"
	cmp before.tsv store.tsv
	# the interaction log takes its kind's columns only, new or not
	printf 'id,ts,customer_id,channel,type,mood\nX1,2026-11-20T09:30:00+08:00,C1,phone,inquiry,calm\n' >i.csv
	run --separate-stderr crm-import -k interactions --append log.tsv i.csv
	assert_failure 2
	assert_equal "$stderr" "crm-import: log.tsv: the store has no column 'mood' (its columns: id, ts, customer_id, channel, type, initiator, agent, duration_s, outcome, satisfaction, next_action, note, campaign)"
	[ ! -e log.tsv ]
}

@test "crm-import: crm(7)'s GBK export appended to the interaction log works as written, on a new log and an existing one" {
	export CRM_DIR="$T/store"
	mkdir "$CRM_DIR"
	printf '编号,时间,客户编号,渠道,类型\nX1,2026-11-20 09:30+08:00,C1001,电话,咨询\nX2,2026/11/21 10:00+08:00,C1002,web,complaint\nX3,2026-11-22 08:00+08:00,C1003,fax,inquiry\n' |
	    iconv -f UTF-8 -t GBK >calls.csv
	recipe append-interactions >append.sh
	run sh append.sh
	assert_failure 1
	assert_line --index 0 "crm-import: calls.csv:4: channel: unknown channel (accepted: visit, phone, sms, email, letter, ivr, chat, web, social, forum, event, self_service) 'fax'"
	assert_line --index 1 "crm-import: 1 of 3 records rejected"
	assert_equal "$(cut -f1-5 "$CRM_DIR/interactions.tsv")" "$(printf 'id\tts\tcustomer_id\tchannel\ttype\nX1\t2026-11-20T09:30:00+08:00\tC1001\tphone\tinquiry\nX2\t2026-11-21T10:00:00+08:00\tC1002\tweb\tcomplaint')"
	assert_equal "$(awk -F'\t' '{ print $3 ": " $4 }' rejects.tsv | tail -n 1)" "channel: unknown channel (accepted: visit, phone, sms, email, letter, ivr, chat, web, social, forum, event, self_service) 'fax'"
	run crm-log check
	assert_success
	assert_output ''
	# the same export into a log crm-log already keeps
	rm "$CRM_DIR/interactions.tsv" rejects.tsv
	crm-log add -c C9 --channel phone --type care --ts 2026-11-19T00:00:00Z >/dev/null
	run sh append.sh
	assert_failure 1
	assert_equal "$(cut -f3 "$CRM_DIR/interactions.tsv")" "$(printf 'customer_id\nC9\nC1001\nC1002')"
	run crm-log check
	assert_success
	assert_output ''
	run crm-log add -c C10 --channel phone --type care
	assert_success
	run crm-log stats
	assert_success
}

@test "crm-import: --append refuses a symbolic link and writes TSV only" {
	ln -s elsewhere.tsv link.tsv
	printf 'customer_id,date,amount\nC1,2026-11-23,5\n' >a.csv
	run crm-import -k transactions --append link.tsv a.csv
	assert_failure 2
	assert_output "crm-import: link.tsv: is a symbolic link, refused"
	[ ! -e elsewhere.tsv ]
	run crm-import -k transactions --append s.tsv --format csv a.csv
	assert_failure 2
	assert_output --partial 'crm-import: --append writes TSV only'
}

@test "crm-import: a large --append goes in batches and keeps every record" {
	crm-gen --format csv transactions 60000 >big.csv
	run crm-import -k transactions --append store.tsv big.csv
	assert_success
	assert_equal "$(wc -l <store.tsv)" 60001
	# the store has the kind's columns; the export lacks quantity and unit_price
	assert_equal "$(tail -n 1 store.tsv | cut -f1-4,7,8)" "$(crm-import -k transactions big.csv | tail -n 1)"
	assert_equal "$(tail -n 1 store.tsv | cut -f5,6)" "$(printf '\t')"
}

# ---- output errors and usage ----

@test "crm-import: a full disk on standard output is a write error, exit 2" {
	in_fix
	run bash -c 'crm-import --raw rfc4180.csv >/dev/full'
	assert_failure 2
	assert_output "crm-import: standard output: write error: No space left on device"
}

@test "crm-import: usage errors exit 2 with the synopsis" {
	run crm-import rfc4180.csv
	assert_failure 2
	assert_line --index 0 'crm-import: a kind (-k) or --raw is required'
	assert_line --index 1 --partial 'usage: crm-import -k kind'
	run crm-import -k widgets x.csv
	assert_failure 2
	assert_line --index 0 "crm-import: unknown kind 'widgets' (accepted: customers, interactions, transactions, complaints, surveys)"
	run crm-import --raw -k customers x.csv
	assert_failure 2
	assert_line --index 0 'crm-import: --raw and -k exclude each other'
	run crm-import --raw --dedupe x.csv
	assert_failure 2
	assert_line --index 0 'crm-import: --raw takes no --check, --dedupe, --merge-on, --id-map or --rekey'
	run crm-import --raw --bogus x.csv
	assert_failure 2
	assert_line --index 0 --partial "unrecognized option '--bogus'"
	run crm-import --raw --format xml x.csv
	assert_failure 2
	assert_line --index 0 "crm-import: --format: expected tsv, csv or jsonl, got 'xml'"
	run crm-import --raw -d ab x.csv
	assert_failure 2
	assert_line --index 0 "crm-import: --delimiter: expected one ASCII character other than a quote or a line end, got 'ab'"
	run crm-import --raw --map oops x.csv
	assert_failure 2
	assert_line --index 0 "crm-import: --map: expected OLD=NEW, got 'oops'"
	run crm-import --raw --csv --tsv x.csv
	assert_failure 2
	assert_line --index 0 'crm-import: --csv and --tsv exclude each other'
}

@test "crm-import: --help prints the synopsis on standard output, --version the version" {
	run --separate-stderr crm-import --help
	assert_success
	assert_line --index 0 --partial 'usage: crm-import -k kind'
	assert_equal "$stderr" ''
	run crm-import --version
	assert_success
	assert_output --regexp '^crm-import \(crmkit\) [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "crm-import: the man page synopsis lists every option that --help lists" {
	run crm-import --help
	for o in $(printf '%s\n' "$output" | grep -o -- '--[a-z-]*' | sort -u); do
		grep -q -- "Fl ${o#-}\\b" "$BATS_TEST_DIRNAME/../man/crm-import.1" ||
		    fail "man page lacks $o"
	done
}

@test "crm-import: no progress report when standard error is not a terminal" {
	crm-gen --format csv transactions 20000 >big.csv
	run --separate-stderr crm-import --raw big.csv
	assert_success
	assert_equal "$stderr" ''
}

@test "crm-import: on a terminal a long import shows records and MB/s, then clears the line" {
	command -v script >/dev/null || skip "script(1) is not installed"
	crm-gen --format csv transactions 40000 >big.csv
	# the pause makes the import last more than the one second after
	# which progress is shown, however fast the machine
	run script -qec "(head -n 20001 big.csv; sleep 1.2; tail -n +20002 big.csv) | crm-import --raw --csv >out.tsv" /dev/null
	assert_success
	assert_output --regexp $'^\rcrm-import: [0-9]+ records, [0-9.]+ MB, [0-9.]+ MB/s\e\[K'
	assert_output --regexp $'\r\e\[K$'
	assert_equal "$(wc -l <out.tsv)" 40001
}

@test "crm-import: -k interactions keeps a campaign column, new log or not" {
	printf 'id,ts,customer_id,channel,type,initiator,campaign\nX1,2026-11-20 09:30+08:00,C1,电话,咨询,公司, 双十一 回访 \n' >i.csv
	run --separate-stderr crm-import -k interactions i.csv
	assert_success
	assert_output "$(printf 'id\tts\tcustomer_id\tchannel\ttype\tinitiator\tcampaign\nX1\t2026-11-20T09:30:00+08:00\tC1\tphone\tinquiry\tcompany\t双十一 回访')"
	run --separate-stderr crm-import -k interactions --append log.tsv i.csv
	assert_success
	run cut -f1,6,13 log.tsv
	assert_output "$(printf 'id\tinitiator\tcampaign\nX1\tcompany\t双十一 回访')"
	run crm-log check -f log.tsv
	assert_success
}
