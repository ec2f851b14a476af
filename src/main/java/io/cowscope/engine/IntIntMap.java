package io.cowscope.engine;

import java.util.Arrays;

/**
 * An int → int hash map without boxing (open addressing, linear probing), for the per-step sets of
 * pages a delta or a view looks at. Keys are ≥ 0 (pfns, indices); {@link #get} answers {@code missing}
 * for an absent key. Insertion order is kept in {@link #keyAt}.
 */
final class IntIntMap {
    private int[] keys, vals;
    private final IntList order = new IntList();
    private int mask;

    IntIntMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1;
        keys = new int[cap];
        vals = new int[cap];
        Arrays.fill(keys, -1);
        mask = cap - 1;
    }

    private static int spread(int k) {
        int h = k * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /** the value of key, or {@code missing} */
    int get(int key, int missing) {
        for (int i = spread(key) & mask; ; i = (i + 1) & mask) {
            int k = keys[i];
            if (k == key) return vals[i];
            if (k == -1) return missing;
        }
    }

    boolean containsKey(int key) {
        for (int i = spread(key) & mask; ; i = (i + 1) & mask) {
            int k = keys[i];
            if (k == key) return true;
            if (k == -1) return false;
        }
    }

    /** sets key's value; returns false when the key was already there (its value is replaced) */
    boolean put(int key, int val) {
        if (key < 0) throw new IllegalArgumentException("negative key " + key);
        if ((order.size() + 1) * 2 > keys.length) grow();
        for (int i = spread(key) & mask; ; i = (i + 1) & mask) {
            int k = keys[i];
            if (k == key) {
                vals[i] = val;
                return false;
            }
            if (k == -1) {
                keys[i] = key;
                vals[i] = val;
                order.add(key);
                return true;
            }
        }
    }

    /** sets key's value only when absent; true when added */
    boolean putIfAbsent(int key, int val) {
        return !containsKey(key) && put(key, val);
    }

    int size() {
        return order.size();
    }

    /** the i-th key in insertion order */
    int keyAt(int i) {
        return order.get(i);
    }

    private void grow() {
        int[] ok = keys, ov = vals;
        keys = new int[ok.length * 2];
        vals = new int[ok.length * 2];
        Arrays.fill(keys, -1);
        mask = keys.length - 1;
        for (int j = 0; j < ok.length; j++) {
            if (ok[j] == -1) continue;
            for (int i = spread(ok[j]) & mask; ; i = (i + 1) & mask) {
                if (keys[i] == -1) {
                    keys[i] = ok[j];
                    vals[i] = ov[j];
                    break;
                }
            }
        }
    }
}
