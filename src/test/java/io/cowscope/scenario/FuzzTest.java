package io.cowscope.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Mutated golden and gallery inputs, and random bytes: checking only ever yields diagnostics or a
 * clean parse (and a clean parse round-trips). Never an exception, an internal error or a hang.
 *
 * <p>Normal runs try 3,000 inputs. The long run (100,000 inputs, about a minute):
 * <pre>
 * mvn -q -B test -Dtest=FuzzTest -Dfuzz.count=100000 -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * {@code -Dfuzz.seed=N} replays a run; a failure prints its seed and input index.
 */
class FuzzTest {
    private static final String[] WORDS = {
        "title", "description", "kernel", "cpus", "thp", "swap", "soft_dirty", "file", "process", "say", "expect", "on",
        "dma", "complete", "ksmd", "lru_drain", "reclaim", "last", "stats", "hazard", "mmap", "munmap", "mprotect",
        "madvise", "write", "read", "fork", "exit", "clear_refs", "vmsplice", "into", "pin", "get", "unpin", "put",
        "io_uring_register", "rdma_register", "odirect_read", "poke", "uffd_register", "uffd_wp", "cpu", "as", "rw", "ro",
        "none", "shared", "private", "anon", "hugepage", "populate", "longterm", "fast", "force", "gup_retry", "pte",
        "page", "pagemap", "shares", "zero", "unmapped", "swapped", "present", "refcount", "==", "!=", ">=", "<=", "<", ">",
        "!", ",", ":", ".", "..", "[", "]", "=", "\"", "\"x\"", "0", "1", "4096", "2M", "4K", "5.8", "6.18", "latest", "#",
        "\t", " ", "\n", "\r\n", "\\", "é", "\u0000", "\uFFFD", "99999999999999999999", "4.7", "[<5.8]", "a", "b", "buf",
        "parent", "child", "h", "p", "p:", "parent:", "child:", "buf[0]", "buf[0..3]", "none", "on", "off"
    };

    @Test
    void mutatedInputsOnlyYieldDiagnosticsOrCleanParses() {
        int count = Integer.getInteger("fuzz.count", 3000);
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        Random rnd = new Random(seed);
        List<byte[]> seeds = Fixtures.seeds();
        assertFalse(seeds.isEmpty());
        int clean = 0;
        long start = System.nanoTime();
        for (int n = 0; n < count; n++) {
            byte[] input = n % 10 == 9 ? randomBytes(rnd) : mutate(seeds.get(rnd.nextInt(seeds.size())), rnd);
            try {
                if (checkOne(input)) clean++;
            } catch (Throwable t) {
                fail("fuzz seed " + seed + ", input " + n + ": " + t + "\n--- input ---\n" + new String(input, StandardCharsets.UTF_8), t);
            }
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.println("fuzz: " + count + " inputs, " + clean + " clean parses, " + ms + " ms, seed " + seed);
    }

    /** True on a clean parse. */
    static boolean checkOne(byte[] input) {
        long t0 = System.nanoTime();
        ScenarioLanguage.Checked c = ScenarioLanguage.check(input);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 2000, "took " + ms + " ms");
        if (c.ok()) {
            assertTrue(c.diagnostics().isEmpty());
            GoldenTest.roundTrip(c.scenario());
            JsonTree.of(c.scenario());
            return true;
        }
        assertFalse(c.diagnostics().isEmpty());
        for (Diagnostic d : c.diagnostics()) {
            assertFalse(d.message().startsWith("internal error"), d.message());
            assertTrue(d.line() >= 0 && d.column() >= 1 && d.length() >= 1, d.toString());
            assertTrue(d.code().matches("COW\\d{3}"), d.code());
        }
        assertTrue(c.diagnostics().size() <= Diagnostics.MAX + 1);
        return false;
    }

    private static byte[] randomBytes(Random rnd) {
        byte[] b = new byte[rnd.nextInt(rnd.nextBoolean() ? 64 : 4096)];
        rnd.nextBytes(b);
        if (rnd.nextBoolean()) for (int i = 0; i < b.length; i++) b[i] = (byte) (32 + (b[i] & 0x5f)); // mostly printable
        return b;
    }

    static byte[] mutate(byte[] seed, Random rnd) {
        String text = new String(seed, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int rounds = 1 + rnd.nextInt(4);
        for (int r = 0; r < rounds && !lines.isEmpty(); r++) {
            int li = rnd.nextInt(lines.size());
            String line = lines.get(li);
            switch (rnd.nextInt(9)) {
                case 0: lines.remove(li); break;
                case 1: lines.add(rnd.nextInt(lines.size() + 1), line); break;
                case 2: {
                    int lj = rnd.nextInt(lines.size());
                    lines.set(li, lines.get(lj));
                    lines.set(lj, line);
                    break;
                }
                case 3: { // insert a word
                    int at = line.isEmpty() ? 0 : rnd.nextInt(line.length() + 1);
                    String w = WORDS[rnd.nextInt(WORDS.length)];
                    lines.set(li, line.substring(0, at) + (rnd.nextBoolean() ? " " : "") + w + line.substring(at));
                    break;
                }
                case 4: { // delete a span
                    if (line.isEmpty()) break;
                    int a = rnd.nextInt(line.length()), b = Math.min(line.length(), a + 1 + rnd.nextInt(6));
                    lines.set(li, line.substring(0, a) + line.substring(b));
                    break;
                }
                case 5: { // replace a word by another
                    String[] parts = line.split(" ");
                    if (parts.length == 0) break;
                    parts[rnd.nextInt(parts.length)] = WORDS[rnd.nextInt(WORDS.length)];
                    lines.set(li, String.join(" ", parts));
                    break;
                }
                case 6: { // change a digit
                    StringBuilder sb = new StringBuilder(line);
                    for (int k = 0; k < sb.length(); k++) {
                        if (Character.isDigit(sb.charAt(k)) && rnd.nextInt(3) == 0) sb.setCharAt(k, (char) ('0' + rnd.nextInt(10)));
                    }
                    lines.set(li, sb.toString());
                    break;
                }
                case 7: lines.add(rnd.nextInt(lines.size() + 1), "p" + rnd.nextInt(3) + ": " + WORDS[rnd.nextInt(WORDS.length)]); break;
                default: { // truncate the file
                    while (lines.size() > li + 1) lines.remove(lines.size() - 1);
                }
            }
        }
        byte[] out = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
        if (rnd.nextInt(20) == 0 && out.length > 0) out[rnd.nextInt(out.length)] = (byte) rnd.nextInt(256); // raw byte
        return out;
    }

    @Test
    void oddInputs() {
        assertEquals(true, checkOne(new byte[0]));
        checkOne(new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'p', 'r', 'o', 'c', 'e', 's', 's', ' ', 'a'});
        checkOne("\n\n\n".getBytes(StandardCharsets.UTF_8));
        checkOne(new byte[70_000]);
        checkOne("expect ".repeat(9000).getBytes(StandardCharsets.UTF_8));
        checkOne(("\"" + "x".repeat(5000) + "\"").getBytes(StandardCharsets.UTF_8));
        checkOne("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[".getBytes(StandardCharsets.UTF_8));
        checkOne("process a\na: b = mmap 4G\na: fork c\n".getBytes(StandardCharsets.UTF_8));
        checkOne("process a\na: b = mmap 99999999999999999999G\n".getBytes(StandardCharsets.UTF_8));
        checkOne("expect[4294967296.1] last == \"\"".getBytes(StandardCharsets.UTF_8));
        checkOne("\uD800".getBytes(StandardCharsets.UTF_16));
        checkOne(new byte[]{(byte) 0xed, (byte) 0xa0, (byte) 0x80}); // a UTF-8 encoded surrogate
    }
}
