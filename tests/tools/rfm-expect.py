#!/usr/bin/env python3
"""The r, f and m scores crm-segment should give, worked out again from
its own output without crmkit: rank the customers from the best (fewest
recency_days, most orders, most revenue) and score rank k of N
5 - floor(5 k / N), a run of equal values taking its best rank, that is
k = the number of customers strictly better.

usage: rfm-expect.py FILE   (crm-segment's TSV output, with its header)
Prints "customer_id r f m" for every row, in the order of the file."""
import sys
from decimal import Decimal


def scores(vals):
    """Scores of vals (larger is better), by ranking rather than by
    counting: a value's best rank is its index in the descending sort."""
    n = len(vals)
    order = sorted(vals, reverse=True)
    first = {}
    for k, v in enumerate(order):
        first.setdefault(v, k)
    return [5 - 5 * first[v] // n for v in vals]


with open(sys.argv[1], encoding='utf-8') as f:
    head = f.readline().rstrip('\n').split('\t')
    rows = [line.rstrip('\n').split('\t') for line in f]
col = {name: i for i, name in enumerate(head)}
ids = [r[0] for r in rows]
r = scores([-int(x[col['recency_days']]) for x in rows])
fr = scores([int(x[col['orders']]) for x in rows])
m = scores([Decimal(x[col['revenue']]) for x in rows])
for i, k in enumerate(ids):
    print(k, r[i], fr[i], m[i])
