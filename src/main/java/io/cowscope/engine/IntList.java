package io.cowscope.engine;

import java.util.Arrays;

/** A growable int array (no boxing). */
final class IntList {
    int[] a;
    int n;

    IntList() {
        a = new int[8];
    }

    IntList(IntList o) {
        a = Arrays.copyOf(o.a, Math.max(8, o.n));
        n = o.n;
    }

    void add(int v) {
        if (n == a.length) a = Arrays.copyOf(a, n * 2);
        a[n++] = v;
    }

    int get(int i) {
        return a[i];
    }

    int size() {
        return n;
    }

    void clear() {
        n = 0;
    }

    boolean contains(int v) {
        for (int i = 0; i < n; i++) if (a[i] == v) return true;
        return false;
    }

    boolean removeValue(int v) {
        for (int i = 0; i < n; i++)
            if (a[i] == v) {
                System.arraycopy(a, i + 1, a, i, n - i - 1);
                n--;
                return true;
            }
        return false;
    }
}
