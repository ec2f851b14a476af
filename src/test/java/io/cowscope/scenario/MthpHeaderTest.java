package io.cowscope.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.cowscope.engine.HugeAnonOrders;
import io.cowscope.engine.KernelVersion;
import io.cowscope.engine.MachineConfig;
import io.cowscope.engine.ThpMode;

/** The {@code mthp SIZE MODE} header statement: parse, errors with line:col, canonical form, JSON and the machine it configures. */
class MthpHeaderTest {

    @Test
    void parsesEverySizeAndMode() {
        Scenario s = ScenarioLanguageTest.ok("thp never\nmthp 64K always\nmthp 16K inherit\nmthp 1M madvise\nmthp 32K never\nprocess p\n");
        assertEquals(List.of(new HeaderItem.Mthp(64, Header.MthpMode.ALWAYS), new HeaderItem.Mthp(16, Header.MthpMode.INHERIT),
                new HeaderItem.Mthp(1024, Header.MthpMode.MADVISE), new HeaderItem.Mthp(32, Header.MthpMode.NEVER)), s.header().mthp());
        MachineConfig c = Execution.config(s.header(), KernelVersion.LATEST);
        assertEquals(new HugeAnonOrders(1 << 4, 1 << 8, 1 << 2), c.mthp());
        assertEquals(ThpMode.NEVER, c.thp());
        assertEquals(HugeAnonOrders.NONE, Execution.config(ScenarioLanguageTest.ok("process p\n").header(), KernelVersion.LATEST).mthp());
    }

    @Test
    void canonicalFormKeepsTheLinesAfterThp() {
        String text = "process p\n";
        Scenario s = ScenarioLanguageTest.ok("swap off\nmthp 1M always\nthp always\nmthp 16K inherit\n" + text);
        String printed = Printer.print(s);
        assertTrue(printed.startsWith("thp always\nmthp 1M always\nmthp 16K inherit\nswap off\n"), printed);
        assertEquals(printed, Printer.print(ScenarioLanguageTest.ok(printed)), "round trip");
        @SuppressWarnings("unchecked")
        Map<String, Object> h = (Map<String, Object>) JsonTree.of(s).get("header");
        assertEquals(List.of(Map.of("kb", 1024, "mode", "always"), Map.of("kb", 16, "mode", "inherit")), h.get("mthp"));
        assertTrue(!((Map<?, ?>) JsonTree.of(ScenarioLanguageTest.ok(text)).get("header")).containsKey("mthp"));
    }

    @Test
    void errorsNameLineAndColumn() {
        Diagnostic d = ScenarioLanguageTest.errors("title \"t\"\nmthp 2M always\n").get(0);
        assertEquals(Code.BAD_SIZE.id, d.code());
        assertEquals(2, d.line());
        assertEquals(6, d.column());
        assertTrue(d.message().contains("thp"), d.message());
        d = ScenarioLanguageTest.errors("mthp 8K always\n").get(0);
        assertEquals(Code.BAD_SIZE.id, d.code());
        assertTrue(d.message().contains("16K to 1M"), d.message());
        assertEquals(Code.BAD_SIZE.id, ScenarioLanguageTest.errors("mthp 48K always\n").get(0).code());
        assertEquals(Code.BAD_SIZE.id, ScenarioLanguageTest.errors("mthp 4M always\n").get(0).code());
        assertEquals(Code.BAD_SIZE.id, ScenarioLanguageTest.errors("mthp 16 always\n").get(0).code());
        d = ScenarioLanguageTest.errors("mthp 64K allways\n").get(0);
        assertEquals(Code.UNKNOWN_WORD.id, d.code());
        assertEquals(10, d.column());
        assertTrue(d.message().contains("always"), d.message());
        d = ScenarioLanguageTest.errors("mthp 64K always\nmthp 64K never\n").get(0);
        assertEquals(Code.REPEATED_HEADER.id, d.code());
        assertEquals(2, d.line());
        assertEquals(Code.EXPECTED.id, ScenarioLanguageTest.errors("mthp always\n").get(0).code());
        d = ScenarioLanguageTest.errors("process p\nmthp 64K always\n").get(0);
        assertEquals(Code.HEADER_AFTER_BODY.id, d.code());
    }

    @Test
    void mthpIsNotReserved() {
        Scenario s = ScenarioLanguageTest.ok("process mthp\nmthp: buf = mmap 1\n");
        assertEquals(2, s.statements().size());
    }
}
