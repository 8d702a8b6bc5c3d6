#!/usr/bin/env python3
"""The per-customer figures crm-segment and crm-report should give for
transactions with an order_id column, computed independently of crmkit:
orders = distinct non-empty order ids + lines with an empty id, days,
revenue, aov = revenue / orders and the purchase-occasion value
revenue / days (both rounded half away from zero to the cent), and the F
score 5 - floor(5 H / N), H the customers with strictly more orders.

usage: orders-expect.py [--summary] FILE...   (TSV with a header line)
Without --summary: customer_id orders days revenue aov f occasion_value,
sorted by id.  With --summary: customers, lines, orders and revenue."""
import sys
from decimal import Decimal, ROUND_HALF_UP


def cents(s):
    return int((Decimal(s) * 100).to_integral_value())


def rounded_div(num, den):
    # half away from zero, on integers
    q = (abs(num) * 2 + den) // (2 * den)
    return q if num >= 0 else -q


def money(c):
    sign = '-' if c < 0 else ''
    return '%s%d.%02d' % (sign, abs(c) // 100, abs(c) % 100)


args = sys.argv[1:]
summary = args[:1] == ['--summary']
if summary:
    args = args[1:]
cust = {}
lines = 0
for path in args:
    with open(path, encoding='utf-8') as f:
        head = f.readline().rstrip('\n').split('\t')
        ci, di, ai = head.index('customer_id'), head.index('date'), \
            head.index('amount')
        oi = head.index('order_id')
        for line in f:
            r = line.rstrip('\n').split('\t')
            c = cust.setdefault(r[ci], {'ids': set(), 'noid': 0,
                                        'days': set(), 'rev': 0})
            oid = r[oi].strip()
            if oid:
                c['ids'].add(oid)
            else:
                c['noid'] += 1
            c['days'].add(r[di])
            c['rev'] += cents(r[ai])
            lines += 1
orders = {k: len(c['ids']) + c['noid'] for k, c in cust.items()}
if summary:
    print('customers\t%d\nlines\t%d\norders\t%d\nrevenue\t%s' % (
        len(cust), lines, sum(orders.values()),
        money(sum(c['rev'] for c in cust.values()))))
    sys.exit(0)
n = len(cust)
for k in sorted(cust, key=lambda s: s.encode()):
    c = cust[k]
    better = sum(1 for o in orders.values() if o > orders[k])
    print('\t'.join([k, str(orders[k]), str(len(c['days'])), money(c['rev']),
                     money(rounded_div(c['rev'], orders[k])),
                     str(5 - 5 * better // n),
                     money(rounded_div(c['rev'], len(c['days'])))]))
