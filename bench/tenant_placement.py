#!/usr/bin/env python3
"""Where tenants land on a Citus cluster, and how evenly the work spreads (docs/scaling.md).

A simulation, not a measurement: no Citus runs here. It places tenants the way Citus 13.2
places rows of a hash-distributed table (../shared/citus, read from its source):
  - the row's hash is the distribution column type's standard hash function; for text that
    is PostgreSQL's hashtext(), i.e. hash_bytes() (Bob Jenkins' lookup3), ported below and
    checked at start against values hashtext() returned on PostgreSQL 15;
  - a table has citus.shard_count shards (default 32, for the whole table, whatever the number
    of workers: node_protocol.c), shard i owning the hash range
    [INT32_MIN + i * (2^32 / shard_count), next start - 1], the last one up to INT32_MAX
    (create_shards.c);
  - shard i is placed on worker i mod N of the workers sorted by name and port (round robin);
    co-located tables share the ranges and placements, so all of a tenant's rows share a node;
  - isolate_tenant_to_new_shard() splits one tenant's hash value into a shard of its own but
    keeps it on the same node (isolate_shards.c); moving it needs citus_move_shard_placement
    or the rebalancer. One tenant's shard is never split further: a tenant's load always sits
    on one node.

Load: tenants' order volumes follow Zipf's law (tenant of rank r gets a share proportional to
1 / r^s). A worker's load is the summed volume of the tenants it holds; the busiest worker caps
the cluster, so the speed-up over one node is 1 / (the busiest worker's share).

  python3 bench/tenant_placement.py               the tables in docs/scaling.md
  python3 bench/tenant_placement.py --tenants 5000 --zipf 1.2
"""
import argparse

INT32_MIN = -(2 ** 31)
MASK = 0xFFFFFFFF


def _rot(x, k):
    return ((x << k) | (x >> (32 - k))) & MASK


def _mix(a, b, c):
    a = (a - c) & MASK; a ^= _rot(c, 4); c = (c + b) & MASK
    b = (b - a) & MASK; b ^= _rot(a, 6); a = (a + c) & MASK
    c = (c - b) & MASK; c ^= _rot(b, 8); b = (b + a) & MASK
    a = (a - c) & MASK; a ^= _rot(c, 16); c = (c + b) & MASK
    b = (b - a) & MASK; b ^= _rot(a, 19); a = (a + c) & MASK
    c = (c - b) & MASK; c ^= _rot(b, 4); b = (b + a) & MASK
    return a, b, c


def _final(a, b, c):
    c ^= b; c = (c - _rot(b, 14)) & MASK
    a ^= c; a = (a - _rot(c, 11)) & MASK
    b ^= a; b = (b - _rot(a, 25)) & MASK
    c ^= b; c = (c - _rot(b, 16)) & MASK
    a ^= c; a = (a - _rot(c, 4)) & MASK
    b ^= a; b = (b - _rot(a, 14)) & MASK
    c ^= b; c = (c - _rot(b, 24)) & MASK
    return c


def hashtext(s):
    """PostgreSQL's hashtext() of a text (deterministic collation), on a little-endian machine."""
    k = s.encode()
    a = b = c = (0x9E3779B9 + len(k) + 3923095) & MASK
    i, rest = 0, len(k)
    while rest >= 12:
        a = (a + int.from_bytes(k[i:i + 4], 'little')) & MASK
        b = (b + int.from_bytes(k[i + 4:i + 8], 'little')) & MASK
        c = (c + int.from_bytes(k[i + 8:i + 12], 'little')) & MASK
        a, b, c = _mix(a, b, c)
        i += 12
        rest -= 12
    tail = k[i:] + bytes(12 - rest)
    a = (a + int.from_bytes(tail[0:4], 'little')) & MASK
    b = (b + int.from_bytes(tail[4:8], 'little')) & MASK
    # The lowest byte of c is left for the length (already added above).
    c = (c + (int.from_bytes(tail[8:11], 'little') << 8)) & MASK
    h = _final(a, b, c)
    return h - 2 ** 32 if h >= 2 ** 31 else h


# hashtext() on PostgreSQL 15.20, x86_64: SELECT t, hashtext(t) FROM unnest(ARRAY[...]) t
KNOWN = {'': -1477818771, 'a': 1075015857, 'tenant-1': -475081847, 'tenant-42': 1255226723,
         'default': 822708183, 'a-much-longer-tenant-identifier-0001': 2046173810,
         'twelve-bytes': 1227069167, 'elevenbytes': -353398116}


def shard_of(h, shard_count):
    increment = 2 ** 32 // shard_count
    return min((h - INT32_MIN) // increment, shard_count - 1)


def zipf_shares(tenants, s):
    w = [1.0 / (r ** s) for r in range(1, tenants + 1)]
    total = sum(w)
    return [x / total for x in w]


def round_robin(tenant_ids, shares, workers, shard_count):
    """Per-worker load with Citus' default placement: shard i on worker i mod N."""
    load = [0.0] * workers
    for t, share in zip(tenant_ids, shares):
        load[shard_of(hashtext(t), shard_count) % workers] += share
    return load


def isolated_and_balanced(tenant_ids, shares, workers, shard_count, isolate, capacity=None):
    """The `isolate` largest tenants each in a shard of its own, then every shard placed
    largest first on the worker it leaves least loaded relative to its capacity (what a
    rebalance by load approaches; Citus' default rebalance strategy balances by disk size,
    which follows the volume here). Returns each worker's load divided by its capacity (in
    nodes of the standard size)."""
    capacity = capacity or [1.0] * workers
    shard_load = {}
    for rank, (t, share) in enumerate(zip(tenant_ids, shares)):
        key = ('tenant', t) if rank < isolate else ('range', shard_of(hashtext(t), shard_count))
        shard_load[key] = shard_load.get(key, 0.0) + share
    load = [0.0] * workers
    for v in sorted(shard_load.values(), reverse=True):
        best = min(range(workers), key=lambda w: (load[w] + v) / capacity[w])
        load[best] += v
    return [x / c for x, c in zip(load, capacity)]


def row(cells):
    return '| ' + ' | '.join(str(c) for c in cells) + ' |'


def describe(load):
    """load: each worker's share of the orders per standard node of capacity."""
    n = len(load)
    busiest = max(load)
    used = sum(1 for x in load if x > 0)
    return used, busiest * n, busiest, 1.0 / busiest


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--tenants', type=int, default=1000)
    p.add_argument('--zipf', type=float, nargs='+', default=[1.0, 0.8])
    p.add_argument('--workers', type=int, nargs='+', default=[2, 8, 32, 100])
    p.add_argument('--isolate', type=int, default=3)
    p.add_argument('--bigger', type=float, default=4.0,
                   help='capacity of the one larger node, in standard nodes')
    args = p.parse_args()

    for text, want in KNOWN.items():
        got = hashtext(text)
        assert got == want, f'hashtext({text!r}) = {got}, PostgreSQL says {want}'

    tenant_ids = [f'tenant-{r}' for r in range(1, args.tenants + 1)]
    print(f'Tenants `tenant-1` .. `tenant-{args.tenants}` (rank 1 = the largest); hashtext() '
          f'checked against PostgreSQL 15 on {len(KNOWN)} values.')
    for s in args.zipf:
        shares = zipf_shares(args.tenants, s)
        print()
        print(f'### Zipf s = {s}: the largest tenant has {shares[0]:.1%} of all orders, the top 10 '
              f'{sum(shares[:10]):.1%}')
        print()
        print(row(['workers', 'placement', 'shards', 'workers with data', 'busiest / mean',
                   'busiest worker\'s share', 'speed-up over 1 node']))
        print(row(['---'] * 7))
        for n in args.workers:
            counts = sorted({32, 4 * n}) if n > 2 else [32]
            for sc in counts:
                used, skew, busiest, speedup = describe(round_robin(tenant_ids, shares, n, sc))
                label = 'default (32)' if sc == 32 else f'shard_count {sc}'
                print(row([n, 'hash, round robin', label, used, f'{skew:.2f}', f'{busiest:.1%}',
                           f'{speedup:.1f}x']))
            sc = max(32, 4 * n)
            used, skew, busiest, speedup = describe(
                isolated_and_balanced(tenant_ids, shares, n, sc, args.isolate))
            print(row([n, f'top {args.isolate} isolated, rebalanced', sc, used, f'{skew:.2f}',
                       f'{busiest:.1%}', f'{speedup:.1f}x']))
            big = [args.bigger] + [1.0] * (n - 1)
            used, skew, busiest, speedup = describe(
                isolated_and_balanced(tenant_ids, shares, n, sc, args.isolate, big))
            print(row([n, f'the same, one node {args.bigger:g}x larger', sc, used, '',
                       f'{busiest:.1%} per node', f'{speedup:.1f}x']))
            bound = max(shares[0], 1.0 / n)
            print(row([n, 'bound with equal nodes: the largest tenant on one', '', '', f'{bound * n:.2f}',
                       f'{bound:.1%}', f'{1 / bound:.1f}x']))


if __name__ == '__main__':
    main()
