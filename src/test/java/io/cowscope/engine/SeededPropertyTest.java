package io.cowscope.engine;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The property runner itself: same seed, same cases; a failure names the seed and is shrunk. */
class SeededPropertyTest {
    static final SeededProperty<List<Integer>> LISTS = new SeededProperty<>("lists", r -> {
        List<Integer> l = new ArrayList<>();
        int n = r.nextInt(50);
        for (int i = 0; i < n; i++) l.add(r.nextInt(1000));
        return l;
    }, l -> SeededProperty.shrinkList(l, 0, x -> SeededProperty.shrinkInt(x, 0)));

    @Test
    void aSeedReplaysTheSameCases() {
        List<List<Integer>> a = new ArrayList<>(), b = new ArrayList<>();
        LISTS.check(1234, 20, a::add);
        LISTS.check(1234, 20, b::add);
        assertEquals(a, b);
        List<List<Integer>> c = new ArrayList<>();
        LISTS.check(1235, 20, c::add);
        assertNotEquals(a, c);
    }

    @Test
    void aFailureIsShrunkToTheSmallestCaseAndNamesTheSeed() {
        // fails for every list holding a value >= 500: the smallest such list is [500]
        AssertionError e = assertThrows(AssertionError.class, () -> LISTS.check(77, 200,
                l -> assertTrue(l.stream().allMatch(x -> x < 500), "has a big value")));
        assertTrue(e.getMessage().contains("with seed 77"), e.getMessage());
        assertTrue(e.getMessage().contains("-Dcowscope.seed=77"), e.getMessage());
        assertTrue(e.getMessage().contains("shrunk case (") && e.getMessage().contains("): [500]"), e.getMessage());
    }

    @Test
    void aPassingPropertyChecksEveryTry() {
        int[] n = {0};
        LISTS.check(5, 123, l -> n[0]++);
        assertEquals(123, n[0]);
    }
}
