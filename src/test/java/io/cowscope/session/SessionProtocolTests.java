package io.cowscope.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowscope.engine.Hazard;
import io.cowscope.engine.KernelVersion;
import io.cowscope.scenario.Gallery;
import io.cowscope.scenario.RunResult;
import io.cowscope.scenario.ScenarioLanguage;
import io.cowscope.session.web.SessionRegistry;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The session protocol (docs/protocol.md) against a real server on a random port with a real
 * WebSocket client: every message, and every error path, each followed by proof that the session
 * still answers. Limits are set low here so that each can be reached quickly.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
        "cowscope.session.resume-timeout=1s",
        "cowscope.session.max-steps=300",
        "cowscope.session.max-work-per-request=200",
        "cowscope.session.max-messages-per-second=200",
        "cowscope.session.max-pages=262144",
        "cowscope.session.checkpoint-interval=4",
        "cowscope.session.window-ptes=64",
        "cowscope.session.max-window-ptes=1000",
        "cowscope.session.max-strip-pages=262144",
        "cowscope.session.min-play-interval-ms=10",
        // the 1 GiB session's load must not meet the time budget on a busy build machine (HostileClientTests tests the budget)
        "cowscope.session.max-run-millis=60000"})
class SessionProtocolTests {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String CVE = "cve-2020-29374-vmsplice";
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<WsClient> clients = new ArrayList<>();

    @LocalServerPort
    int port;

    @Autowired
    SessionRegistry registry;

    @AfterEach
    void closeClients() {
        clients.forEach(WsClient::abort);
    }

    private WsClient connect() throws Exception {
        WsClient c = WsClient.connect(http, "ws://127.0.0.1:" + port + "/ws", TIMEOUT);
        clients.add(c);
        return c;
    }

    private static String load(String gallery, String kernel) {
        return "{\"type\":\"load\",\"v\":1,\"id\":1,\"scenario\":{\"gallery\":\"" + gallery + "\"}"
                + (kernel == null ? "" : ",\"kernel\":\"" + kernel + "\"") + "}";
    }

    private static String text(String scenario) {
        return WsClient.JSON.writeValueAsString(scenario);
    }

    // ---------------------------------------------------------------- load, step, goto

    @Test
    void cveHazardsDifferBetween57And618AsTheEngineComputes() throws Exception {
        Map<String, List<String>> byKernel = new HashMap<>();
        for (String kernel : List.of("5.7", "6.18")) {
            WsClient c = connect();
            JsonNode session = c.ask(load(CVE, kernel));
            assertThat(session.get("type").stringValue()).isEqualTo("session");
            assertThat(session.get("id").intValue()).isEqualTo(1);
            assertThat(session.get("kernel").stringValue()).isEqualTo(kernel);
            assertThat(session.get("position").get("step").intValue()).isZero();
            int steps = session.get("steps").intValue();
            List<String> hazards = new ArrayList<>();
            for (int k = 1; k <= steps; k++) {
                JsonNode d = c.ask("{\"type\":\"step\",\"v\":1,\"dir\":\"forward\"}");
                assertThat(d.get("type").stringValue()).isEqualTo("delta");
                assertThat(d.get("step").intValue()).isEqualTo(k);
                assertThat(d.has("delta")).as("forward by one carries the engine's delta").isTrue();
                d.get("hazards").forEach(h -> hazards.add(h.get("type").stringValue() + "@" + h.get("step").intValue()));
            }
            JsonNode past = c.ask("{\"type\":\"step\",\"dir\":\"forward\"}");
            assertThat(past.get("reason").stringValue()).isEqualTo("at the end");

            // the same scenario run by the language's runner, outside any session
            String source = Gallery.load().find(CVE).orElseThrow().text();
            RunResult direct = io.cowscope.scenario.Execution.run(ScenarioLanguage.check(source).scenario(),
                    KernelVersion.parse(kernel).orElseThrow());
            List<String> expected = new ArrayList<>();
            for (RunResult.StepResult s : direct.steps()) {
                for (Hazard h : s.step().hazards()) {
                    expected.add(h.type().word + "@" + h.step());
                }
            }
            // the session leaves the leading declarations out of its steps; the engine's step numbers stay
            assertThat(hazards).isEqualTo(expected);
            List<String> outcomes = new ArrayList<>();
            session.get("expectations").forEach(e -> outcomes.add(e.get("line").intValue() + e.get("outcome").stringValue()));
            List<String> directOutcomes = new ArrayList<>();
            direct.expectations().forEach(e -> directOutcomes.add(e.line() + e.outcome().name().toLowerCase()));
            assertThat(outcomes).isEqualTo(directOutcomes);
            byKernel.put(kernel, hazards);
        }
        assertThat(byKernel.get("5.7")).as("hazards at 5.7 vs 6.18").isNotEqualTo(byKernel.get("6.18"));
    }

    @Test
    void gotoAndStepBackGiveTheStateThatSteppingForwardReached() throws Exception {
        WsClient c = connect();
        int steps = c.ask(load("basic-cow-after-fork", null)).get("steps").intValue();
        assertThat(steps).isGreaterThan(4);
        for (int k = 0; k < steps; k++) {
            JsonNode viaGoto = c.ask("{\"type\":\"goto\",\"step\":" + k + "}");
            assertThat(viaGoto.get("step").intValue()).isEqualTo(k);
            c.ask("{\"type\":\"goto\",\"step\":" + (k + 1) + "}");
            JsonNode viaBack = c.ask("{\"type\":\"step\",\"dir\":\"back\"}");
            assertThat(viaBack.get("step").intValue()).isEqualTo(k);
            assertThat(viaBack.get("state")).isEqualTo(viaGoto.get("state"));
        }
        JsonNode atStart = c.ask("{\"type\":\"goto\",\"step\":0}");
        assertThat(c.ask("{\"type\":\"step\",\"dir\":\"back\"}").get("reason").stringValue()).isEqualTo("at the start");
        assertThat(atStart.get("op")).isNull();
    }

    @Test
    void intoWalksTheKernelStepsAndOutLeavesThem() throws Exception {
        WsClient c = connect();
        JsonNode s = c.ask(load("basic-cow-after-fork", null));
        int steps = s.get("steps").intValue();
        // find a step with nested kernel steps (a fault)
        JsonNode d = null;
        for (int k = 1; k <= steps; k++) {
            d = c.ask("{\"type\":\"goto\",\"step\":" + k + "}");
            if (d.get("kernelSteps").size() > 2 && d.get("eventCounts").has("cow")) {
                break;
            }
        }
        int n = d.get("kernelSteps").size();
        int k = d.get("step").intValue();
        assertThat(d.get("kernelStep").intValue()).isEqualTo(-1);
        JsonNode in = c.ask("{\"type\":\"into\",\"id\":\"a\"}");
        assertThat(in.get("id").stringValue()).isEqualTo("a");
        assertThat(in.get("step").intValue()).isEqualTo(k);
        assertThat(in.get("kernelStep").intValue()).isZero();
        for (int i = 1; i < n; i++) {
            assertThat(c.ask("{\"type\":\"into\"}").get("kernelStep").intValue()).isEqualTo(i);
        }
        JsonNode next = c.ask("{\"type\":\"into\"}");
        assertThat(next.get("step").intValue()).as("past the last kernel step: the next step").isEqualTo(k + 1);
        c.ask("{\"type\":\"goto\",\"step\":" + k + "}");
        c.ask("{\"type\":\"into\"}");
        JsonNode deeper = c.ask("{\"type\":\"into\"}");
        int depth = d.get("kernelSteps").get(deeper.get("kernelStep").intValue()).get("depth").intValue();
        JsonNode out = c.ask("{\"type\":\"out\"}");
        int ks = out.get("kernelStep").intValue();
        assertThat(out.get("step").intValue()).isEqualTo(k);
        if (ks >= 0) {
            assertThat(d.get("kernelSteps").get(ks).get("depth").intValue()).isLessThan(depth);
        }
        for (int i = 0; i < n && ks >= 0; i++) {
            ks = c.ask("{\"type\":\"out\"}").get("kernelStep").intValue();
        }
        assertThat(ks).isEqualTo(-1);
    }

    // ---------------------------------------------------------------- breakpoints and play

    @Test
    void runStopsAtEventsAndConditions() throws Exception {
        WsClient c = connect();
        int steps = c.ask(load("basic-cow-after-fork", null)).get("steps").intValue();
        JsonNode cow = c.ask("{\"type\":\"run\",\"dir\":\"forward\",\"until\":{\"event\":\"cow\"}}");
        assertThat(cow.get("reason").stringValue()).isEqualTo("breakpoint");
        assertThat(cow.get("eventCounts").get("cow").intValue()).isPositive();
        int cowStep = cow.get("step").intValue();
        for (int k = 1; k < cowStep; k++) {
            assertThat(c.ask("{\"type\":\"goto\",\"step\":" + k + "}").get("eventCounts").has("cow"))
                    .as("no cow before the breakpoint").isFalse();
        }
        c.ask("{\"type\":\"goto\",\"step\":" + steps + "}");
        JsonNode back = c.ask("{\"type\":\"run\",\"dir\":\"back\",\"until\":{\"event\":\"cow\"}}");
        assertThat(back.get("step").intValue()).isLessThanOrEqualTo(steps);
        assertThat(back.get("eventCounts").get("cow").intValue()).isPositive();

        c.ask("{\"type\":\"goto\",\"step\":0}");
        String changes = "{\"type\":\"run\",\"dir\":\"%s\",\"until\":{\"condition\":{\"proc\":\"parent\",\"var\":\"buf\","
                + "\"page\":0,\"field\":\"refcount\",\"op\":\"changes\"}}}";
        JsonNode first = c.ask(changes.formatted("forward"));
        assertThat(first.get("reason").stringValue()).isEqualTo("breakpoint");
        int at = first.get("step").intValue();
        Long before = refcount(c.ask("{\"type\":\"goto\",\"step\":" + (at - 1) + "}").get("state"), "parent", "buf", 0);
        Long now = refcount(c.ask("{\"type\":\"goto\",\"step\":" + at + "}").get("state"), "parent", "buf", 0);
        assertThat(now).isNotEqualTo(before);

        c.ask("{\"type\":\"goto\",\"step\":" + steps + "}");
        JsonNode last = c.ask(changes.formatted("back"));
        assertThat(last.get("reason").stringValue()).isEqualTo("breakpoint");
        int lastAt = last.get("step").intValue();
        Long l1 = refcount(c.ask("{\"type\":\"goto\",\"step\":" + (lastAt - 1) + "}").get("state"), "parent", "buf", 0);
        assertThat(refcount(last.get("state"), "parent", "buf", 0)).isNotEqualTo(l1);
        for (int k = lastAt + 1; k <= steps; k++) {
            Long r = refcount(c.ask("{\"type\":\"goto\",\"step\":" + k + "}").get("state"), "parent", "buf", 0);
            assertThat(r).as("no change after the last one").isEqualTo(refcount(last.get("state"), "parent", "buf", 0));
        }

        c.ask("{\"type\":\"goto\",\"step\":0}");
        JsonNode eq = c.ask("{\"type\":\"run\",\"dir\":\"forward\",\"until\":{\"condition\":{\"proc\":\"parent\","
                + "\"var\":\"buf\",\"page\":0,\"field\":\"mapcount\",\"op\":\"==\",\"value\":2}}}");
        assertThat(eq.get("reason").stringValue()).isEqualTo("breakpoint");
        assertThat(page(eq.get("state"), "parent", "buf", 0).get("mapcount").intValue()).isEqualTo(2);

        JsonNode never = c.ask("{\"type\":\"run\",\"dir\":\"forward\",\"until\":{\"event\":\"ksm_merge\"}}");
        assertThat(never.get("reason").stringValue()).isEqualTo("at the end");
        assertThat(never.get("step").intValue()).isEqualTo(steps);
    }

    @Test
    void runUntilAHazardStopsWhereTheEngineRaisesOne() throws Exception {
        String source = Gallery.load().find(CVE).orElseThrow().text();
        for (String kernel : List.of("5.7", "6.18")) {
            RunResult direct = io.cowscope.scenario.Execution.run(ScenarioLanguage.check(source).scenario(),
                    KernelVersion.parse(kernel).orElseThrow());
            String firstHazard = null;
            for (RunResult.StepResult r : direct.steps()) {
                if (!r.step().hazards().isEmpty() && firstHazard == null) {
                    firstHazard = r.source();
                }
            }
            WsClient c = connect();
            c.ask(load(CVE, kernel));
            JsonNode d = c.ask("{\"type\":\"run\",\"dir\":\"forward\",\"until\":{\"event\":\"hazard\"}}");
            if (firstHazard == null) {
                assertThat(d.get("reason").stringValue()).as(kernel).isEqualTo("at the end");
                assertThat(d.get("hazards").size()).isZero();
            } else {
                assertThat(d.get("reason").stringValue()).as(kernel).isEqualTo("breakpoint");
                assertThat(d.get("op").stringValue()).isEqualTo(firstHazard);
                assertThat(d.get("hazards").size()).isPositive();
            }
        }
    }

    @Test
    void playStreamsDeltasUntilTheEndAndPauseStopsIt() throws Exception {
        WsClient c = connect();
        int steps = c.ask(load("basic-cow-after-fork", null)).get("steps").intValue();
        assertThat(c.ask("{\"type\":\"play\",\"speed\":10,\"id\":7}").get("type").stringValue()).isEqualTo("playing");
        int k = 0;
        JsonNode m;
        while (!(m = c.next()).get("type").stringValue().equals("ended")) {
            assertThat(m.get("type").stringValue()).isEqualTo("delta");
            assertThat(m.get("step").intValue()).isEqualTo(++k);
        }
        assertThat(k).isEqualTo(steps);
        assertThat(m.get("step").intValue()).isEqualTo(steps);

        c.ask("{\"type\":\"goto\",\"step\":0}");
        c.ask("{\"type\":\"play\",\"speed\":1000}");
        JsonNode paused = c.ask("{\"type\":\"pause\",\"id\":8}");
        assertThat(paused.get("type").stringValue()).isEqualTo("paused");
        assertThat(paused.get("id").intValue()).isEqualTo(8);
        assertThat(c.poll(1300)).as("nothing after pause").isNull();
    }

    // ---------------------------------------------------------------- changing the program

    @Test
    void appendRunsAtTheEndAndReportsDiagnostics() throws Exception {
        WsClient c = connect();
        JsonNode s = c.ask(load("basic-cow-after-fork", null));
        int steps = s.get("steps").intValue();
        JsonNode d = c.ask("{\"type\":\"append\",\"id\":3,\"statement\":\"parent: write buf \\\"zzz\\\"\"}");
        assertThat(d.get("type").stringValue()).isEqualTo("delta");
        assertThat(d.get("id").intValue()).isEqualTo(3);
        assertThat(d.get("step").intValue()).isEqualTo(steps + 1);
        assertThat(d.get("steps").intValue()).isEqualTo(steps + 1);
        assertThat(d.get("appended").get(0).get("step").intValue()).isEqualTo(steps + 1);
        assertThat(d.get("op").stringValue()).isEqualTo("parent: write buf \"zzz\"");
        assertThat(page(d.get("state"), "parent", "buf", 0).get("content").stringValue()).isEqualTo("zzz");

        JsonNode e = c.ask("{\"type\":\"append\",\"statement\":\"expect parent.buf[0] == \\\"zzz\\\"\"}");
        assertThat(e.get("expectations").get(0).get("outcome").stringValue()).isEqualTo("pass");
        JsonNode f = c.ask("{\"type\":\"append\",\"statement\":\"expect parent.buf[0] == \\\"nope\\\"\"}");
        assertThat(f.get("expectations").get(1).get("outcome").stringValue()).isEqualTo("fail");
        assertThat(f.get("expectations").get(1).get("actual").stringValue()).contains("zzz");

        JsonNode bad = c.ask("{\"type\":\"append\",\"id\":4,\"statement\":\"parent: wrte buf\"}");
        assertThat(bad.get("type").stringValue()).isEqualTo("diagnostics");
        assertThat(bad.get("context").stringValue()).isEqualTo("append");
        assertThat(bad.get("id").intValue()).isEqualTo(4);
        assertThat(bad.get("diagnostics").get(0).get("line").intValue()).isEqualTo(1);
        JsonNode unknownName = c.ask("{\"type\":\"append\",\"statement\":\"nobody: write buf \\\"x\\\"\"}");
        assertThat(unknownName.get("type").stringValue()).isEqualTo("diagnostics");
        assertThat(c.ask("{\"type\":\"goto\",\"step\":0}").get("steps").intValue()).isEqualTo(steps + 1);

        JsonNode resumed = c.ask("{\"type\":\"compare\",\"kernel\":\"5.7\"}");
        assertThat(resumed.get("text").stringValue()).endsWith("parent: write buf \"zzz\"\nexpect parent.buf[0] == \"zzz\"\n"
                + "expect parent.buf[0] == \"nope\"\n");
        assertThat(resumed.get("compareSteps").intValue()).isEqualTo(steps + 1);
    }

    @Test
    void kernelReRunsKeepingThePosition() throws Exception {
        WsClient c = connect();
        c.ask(load(CVE, "6.18"));
        c.ask("{\"type\":\"goto\",\"step\":3}");
        JsonNode s = c.ask("{\"type\":\"kernel\",\"version\":\"5.7\",\"id\":\"k\"}");
        assertThat(s.get("type").stringValue()).isEqualTo("session");
        assertThat(s.get("id").stringValue()).isEqualTo("k");
        assertThat(s.get("kernel").stringValue()).isEqualTo("5.7");
        assertThat(s.get("position").get("step").intValue()).isEqualTo(3);
        assertThat(s.get("state").get("kernel").stringValue()).isEqualTo("5.7");
    }

    @Test
    void compareStepsTwoKernelsInLockstepWithADiff() throws Exception {
        WsClient c = connect();
        JsonNode s = c.ask("{\"type\":\"load\",\"scenario\":{\"gallery\":\"" + CVE + "\"},\"kernel\":\"5.7\",\"compare\":\"6.18\"}");
        assertThat(s.get("compare").stringValue()).isEqualTo("6.18");
        assertThat(s.get("compareState").get("kernel").stringValue()).isEqualTo("6.18");
        int steps = s.get("steps").intValue();
        boolean sawEventDiff = false;
        for (int k = 1; k <= steps; k++) {
            JsonNode d = c.ask("{\"type\":\"step\",\"dir\":\"forward\"}");
            JsonNode r = d.get("compare");
            assertThat(r.get("kernel").stringValue()).isEqualTo("6.18");
            assertThat(r.get("step").intValue()).isEqualTo(k);
            // every event type whose count differs between the two sides is in the diff, and nothing else
            Map<String, Integer> l = counts(d.get("eventCounts")), rr = counts(r.get("eventCounts"));
            List<String> differing = new ArrayList<>();
            for (String t : union(l.keySet(), rr.keySet())) {
                if (!l.getOrDefault(t, 0).equals(rr.getOrDefault(t, 0)) && !t.equals("hazard")) {
                    differing.add(t);
                }
            }
            List<String> inDiff = new ArrayList<>();
            d.get("diff").forEach(e -> {
                if (e.get("what").stringValue().equals("event")) {
                    inDiff.add(e.get("key").stringValue());
                }
            });
            assertThat(inDiff).containsExactlyInAnyOrderElementsOf(differing);
            sawEventDiff |= !differing.isEmpty();
        }
        assertThat(sawEventDiff).as("5.7 and 6.18 decide differently somewhere").isTrue();
        JsonNode off = c.ask("{\"type\":\"compare\",\"kernel\":null}");
        assertThat(off.has("compare")).isFalse();
        assertThat(c.ask("{\"type\":\"step\",\"dir\":\"back\"}").has("compare")).isFalse();
    }

    @Test
    void intoAndOutMoveBothComparedKernelsThroughTheirOwnKernelSteps() throws Exception {
        WsClient c = connect();
        JsonNode s = c.ask("{\"type\":\"load\",\"scenario\":{\"gallery\":\"" + CVE + "\"},\"kernel\":\"5.7\",\"compare\":\"6.18\"}");
        int steps = s.get("steps").intValue();
        // a step where both kernels have kernel steps, a different number of them (5.7 reuses, 6.18 copies)
        JsonNode d = null;
        for (int k = 1; k <= steps; k++) {
            JsonNode g = c.ask("{\"type\":\"goto\",\"step\":" + k + "}");
            int l = g.get("kernelSteps").size(), r = g.get("compare").get("kernelSteps").size();
            if (l > 1 && r > 1 && l != r) {
                d = g;
                break;
            }
        }
        assertThat(d).as("a step whose kernel steps differ between 5.7 and 6.18").isNotNull();
        int k = d.get("step").intValue();
        int n = d.get("kernelSteps").size(), rn = d.get("compare").get("kernelSteps").size();
        assertThat(d.get("compare").get("kernelStep").intValue()).isEqualTo(-1);
        for (int i = 0; i < Math.max(n, rn); i++) {
            JsonNode in = c.ask("{\"type\":\"into\"}");
            assertThat(in.get("step").intValue()).isEqualTo(k);
            assertThat(in.get("kernelStep").intValue()).as("left").isEqualTo(Math.min(i, n - 1));
            assertThat(in.get("compare").get("kernelStep").intValue()).as("compared kernel moves too").isEqualTo(Math.min(i, rn - 1));
        }
        JsonNode next = c.ask("{\"type\":\"into\"}");
        assertThat(next.get("step").intValue()).as("past the last kernel step of both: the next step").isEqualTo(k + 1);
        assertThat(next.get("compare").get("step").intValue()).isEqualTo(k + 1);

        c.ask("{\"type\":\"goto\",\"step\":" + k + "}");
        c.ask("{\"type\":\"into\"}");
        c.ask("{\"type\":\"into\"}");
        JsonNode out = c.ask("{\"type\":\"out\"}");
        for (JsonNode side : List.of(out, out.get("compare"))) {
            int ks = side.get("kernelStep").intValue();
            if (ks >= 0) {
                assertThat(side.get("kernelSteps").get(ks).get("depth").intValue()).isLessThan(side.get("kernelSteps").get(1).get("depth").intValue());
            }
        }
        for (int i = 0; i < n + rn; i++) out = c.ask("{\"type\":\"out\"}");
        assertThat(out.get("kernelStep").intValue()).isEqualTo(-1);
        assertThat(out.get("compare").get("kernelStep").intValue()).as("out leaves the compared kernel's steps too").isEqualTo(-1);
        // moving to another step resets both
        JsonNode moved = c.ask("{\"type\":\"goto\",\"step\":" + k + "}");
        assertThat(moved.get("compare").get("kernelStep").intValue()).isEqualTo(-1);
    }

    // ---------------------------------------------------------------- large sessions

    @Test
    void oneFaultInAOneGibSessionSendsADeltaNotTheState() throws Exception {
        WsClient c = connect();
        String scenario = "process p\np: buf = mmap 1G populate\np: fork child\nchild: write buf[5] \"x\"\n";
        JsonNode s = c.ask("{\"type\":\"load\",\"scenario\":{\"text\":" + text(scenario) + "}}");
        assertThat(s.get("type").stringValue()).isEqualTo("session");
        assertThat(s.get("state").get("processes").get(0).get("vmas").size()).as("step 0: declarations only").isZero();
        JsonNode populated = c.ask("{\"type\":\"goto\",\"step\":1}");
        JsonNode pv = populated.get("state").get("processes").get(0).get("vmas").get(0);
        assertThat(pv.get("pages").intValue()).isEqualTo(262144);
        assertThat(pv.get("ptes").size()).as("window-ptes").isEqualTo(64);
        assertThat(pv.get("counts").get("present").intValue()).isEqualTo(262144);
        c.ask("{\"type\":\"goto\",\"step\":2}");
        c.send("{\"type\":\"step\",\"dir\":\"forward\"}");
        String raw = WsClient.JSON.writeValueAsString(c.next());
        JsonNode fault = WsClient.JSON.readTree(raw);
        assertThat(fault.get("eventCounts").get("cow").intValue()).isEqualTo(1);
        assertThat(fault.get("delta").get("pteChangeCount").intValue()).isEqualTo(1);
        assertThat(fault.has("state")).isFalse();
        assertThat(raw.length()).as("one fault's message").isLessThan(32 * 1024);

        JsonNode w = c.ask("{\"type\":\"window\",\"proc\":\"child\",\"var\":\"buf\",\"first\":1000,\"last\":1099,\"id\":9}");
        assertThat(w.get("type").stringValue()).isEqualTo("window");
        assertThat(w.get("id").intValue()).isEqualTo(9);
        JsonNode child = null;
        for (JsonNode p : w.get("state").get("processes")) {
            if (p.get("name").stringValue().equals("child")) {
                child = p.get("vmas").get(0);
            }
        }
        assertThat(child.get("ptesFirst").intValue()).isEqualTo(1000);
        assertThat(child.get("ptes").size()).isEqualTo(100);
        assertThat(child.get("ptes").get(0).get("index").intValue()).isEqualTo(1000);

        JsonNode strip = c.ask("{\"type\":\"strip\",\"id\":10,\"proc\":\"child\",\"var\":\"buf\",\"first\":0,\"last\":262143}");
        assertThat(strip.get("type").stringValue()).isEqualTo("strip");
        assertThat(strip.get("id").intValue()).isEqualTo(10);
        String cells = strip.get("strip").stringValue();
        assertThat(cells).hasSize(262144);
        // the child wrote page 5 (a private copy, writable); every other page is still shared read-only
        assertThat(cells.charAt(5)).isEqualTo('w');
        assertThat(cells.chars().filter(ch -> ch == 'r').count()).isEqualTo(262143);
        assertError(c.ask("{\"type\":\"strip\",\"proc\":\"child\",\"var\":\"buf\",\"first\":0,\"last\":300000}"),
                "limit", "cowscope.session.max-strip-pages");

        JsonNode tooBig = c.ask("{\"type\":\"window\",\"proc\":\"child\",\"var\":\"buf\",\"first\":0,\"last\":5000}");
        assertError(tooBig, "limit", "cowscope.session.max-window-ptes");
        assertError(c.ask("{\"type\":\"window\",\"proc\":\"nobody\",\"var\":\"buf\",\"first\":0,\"last\":5}"), "invalid", "nobody");
    }

    // ---------------------------------------------------------------- connection life

    @Test
    void resumeWithTheTokenAfterAReconnectAndNotAfterTheTimeout() throws Exception {
        WsClient c = connect();
        String token = c.ask(load(CVE, null)).get("token").stringValue();
        c.ask("{\"type\":\"goto\",\"step\":2}");
        c.abort();
        WsClient again = connect();
        JsonNode s = again.ask("{\"type\":\"resume\",\"token\":\"" + token + "\",\"id\":5}");
        assertThat(s.get("type").stringValue()).isEqualTo("session");
        assertThat(s.get("id").intValue()).isEqualTo(5);
        assertThat(s.get("position").get("step").intValue()).isEqualTo(2);
        assertThat(again.ask("{\"type\":\"step\",\"dir\":\"forward\"}").get("step").intValue()).isEqualTo(3);

        again.abort();
        Thread.sleep(1800); // resume-timeout 1 s, swept every 250 ms
        WsClient late = connect();
        assertError(late.ask("{\"type\":\"resume\",\"token\":\"" + token + "\"}"), "unknown-token", "resume-timeout");
        assertError(late.ask("{\"type\":\"resume\",\"token\":\"made-up\"}"), "unknown-token", "token");
    }

    @Test
    void closeReleasesTheSession() throws Exception {
        WsClient c = connect();
        c.ask(load(CVE, null));
        int held = registry.size();
        JsonNode closed = c.ask("{\"type\":\"close\",\"id\":6}");
        assertThat(closed.get("type").stringValue()).isEqualTo("closed");
        assertThat(closed.get("id").intValue()).isEqualTo(6);
        assertThat(registry.size()).isEqualTo(held - 1);
        assertError(c.ask("{\"type\":\"step\",\"dir\":\"forward\"}"), "no-session", "load");
        assertThat(c.ask(load(CVE, null)).get("type").stringValue()).isEqualTo("session");
    }

    // ---------------------------------------------------------------- errors: each answered, the session survives

    @Test
    void everyRefusalIsAnErrorAndTheSessionSurvives() throws Exception {
        WsClient c = connect();
        assertError(c.ask("{\"type\":\"step\",\"dir\":\"forward\",\"id\":\"x\"}"), "no-session", "load");
        JsonNode diag = c.ask("{\"type\":\"load\",\"id\":2,\"scenario\":{\"text\":\"process p\\np: buf = mmap 1\\np: wrte buf\\n\"}}");
        assertThat(diag.get("type").stringValue()).isEqualTo("diagnostics");
        assertThat(diag.get("id").intValue()).isEqualTo(2);
        assertThat(diag.get("diagnostics").get(0).get("line").intValue()).isEqualTo(3);
        assertThat(diag.get("diagnostics").get(0).get("code").stringValue()).startsWith("COW");
        assertError(c.ask(load("no-such-scenario", null)), "invalid", "no-such-scenario");
        assertError(c.ask(load(CVE, "5.99")), "invalid", "5.99");
        assertError(c.ask("{\"type\":\"load\",\"scenario\":{\"gallery\":\"" + CVE + "\"},\"config\":{\"thp\":\"sometimes\"}}"),
                "invalid", "thp");
        assertError(c.ask("{\"type\":\"load\"}"), "malformed", "scenario");

        JsonNode s = c.ask("{\"type\":\"load\",\"scenario\":{\"gallery\":\"" + CVE + "\"},\"config\":{\"cpus\":2,\"swap\":false}}");
        assertThat(s.get("state").get("config").get("cpus").intValue()).isEqualTo(2);
        assertThat(s.get("state").get("config").get("swap").booleanValue()).isFalse();
        int steps = s.get("steps").intValue();

        JsonNode e = c.ask("{\"type\":\"goto\",\"id\":11}");
        assertError(e, "malformed", "step");
        assertThat(e.get("id").intValue()).isEqualTo(11);
        assertError(c.ask("{\"type\":\"goto\",\"step\":\"three\"}"), "malformed", "step");
        assertError(c.ask("{\"type\":\"goto\",\"step\":" + (steps + 1) + "}"), "invalid", "does not exist");
        assertError(c.ask("{\"type\":\"step\",\"dir\":\"sideways\"}"), "invalid", "dir");
        assertError(c.ask("{\"type\":\"step\",\"v\":2,\"dir\":\"forward\"}"), "unsupported-version", "version");
        assertError(c.ask("{\"type\":\"run\",\"dir\":\"forward\",\"until\":{\"event\":\"explosion\"}}"), "invalid", "explosion");
        assertError(c.ask("{\"type\":\"run\",\"dir\":\"forward\",\"until\":{\"condition\":{\"proc\":\"parent\",\"var\":\"buf\","
                + "\"page\":0,\"field\":\"colour\",\"op\":\"==\",\"value\":1}}}"), "invalid", "colour");
        assertError(c.ask("{\"type\":\"run\",\"dir\":\"forward\"}"), "malformed", "until");
        assertError(c.ask("{\"type\":\"play\",\"speed\":1}"), "limit", "cowscope.session.min-play-interval-ms");
        assertError(c.ask("{\"type\":\"kernel\",\"version\":\"2.6\"}"), "invalid", "2.6");
        assertError(c.ask("{\"type\":\"append\",\"statement\":\"   \"}"), "malformed", "statement");
        assertError(c.ask("{\"type\":\"teleport\"}"), "unknown-type", "teleport");
        assertError(c.ask("not json"), "malformed", "JSON");

        assertError(c.ask("{\"type\":\"hello\",\"pad\":\"" + "x".repeat(200_000) + "\"}"), "limit",
                "cowscope.session.max-message-bytes");

        StringBuilder many = new StringBuilder("process p\np: buf = mmap 1\n");
        for (int i = 0; i < 301; i++) {
            many.append("p: write buf \"").append(i).append("\"\n");
        }
        assertError(c.ask("{\"type\":\"load\",\"scenario\":{\"text\":" + text(many.toString()) + "}}"), "limit",
                "cowscope.session.max-steps");
        assertError(c.ask("{\"type\":\"load\",\"scenario\":{\"text\":" + text("process p\np: a = mmap 1G\np: b = mmap 1\n") + "}}"),
                "limit", "cowscope.session.max-pages");

        // the session loaded above is still there
        assertThat(c.ask("{\"type\":\"goto\",\"step\":1}").get("step").intValue()).isEqualTo(1);
    }

    @Test
    void aMessageLargerThanTheFrameLimitClosesTheConnectionAndSmallerOnesArriveWhole() throws Exception {
        WsClient c = connect();
        // larger than the container's 8 Ki receive buffer: arrives in pieces, joined before dispatch
        JsonNode big = c.ask("{\"type\":\"load\",\"scenario\":{\"text\":" + text("# " + "x".repeat(50_000)
                + "\nprocess p\np: buf = mmap 1\n") + "}}");
        assertThat(big.get("type").stringValue()).isEqualTo("session");
        c.send("{\"type\":\"hello\",\"pad\":\"" + "y".repeat(600_000) + "\"}");
        long until = System.nanoTime() + TIMEOUT.toNanos();
        while (c.isOpen() && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(c.isOpen()).as("closed with 1009 above cowscope.ws.max-text-message-bytes").isFalse();
    }

    @Test
    void aRunPastTheWorkLimitStopsWithAnErrorNamingIt() throws Exception {
        WsClient c = connect();
        StringBuilder many = new StringBuilder("process p\np: buf = mmap 1\n");
        for (int i = 0; i < 250; i++) {
            many.append("p: write buf \"").append(i).append("\"\n");
        }
        JsonNode s = c.ask("{\"type\":\"load\",\"scenario\":{\"text\":" + text(many.toString()) + "}}");
        assertThat(s.get("steps").intValue()).isEqualTo(251);
        c.send("{\"type\":\"run\",\"id\":12,\"dir\":\"forward\",\"until\":{\"condition\":{\"proc\":\"p\",\"var\":\"buf\","
                + "\"page\":0,\"field\":\"refcount\",\"op\":\"==\",\"value\":7}}}");
        JsonNode d = c.next();
        assertThat(d.get("type").stringValue()).isEqualTo("delta");
        assertThat(d.get("reason").stringValue()).isEqualTo("limit");
        assertThat(d.get("step").intValue()).isBetween(150, 210);
        JsonNode e = c.next();
        assertError(e, "limit", "cowscope.session.max-work-per-request");
        assertThat(e.get("id").intValue()).isEqualTo(12);
        // an event breakpoint needs no replay: it crosses the whole run at once
        assertThat(c.ask("{\"type\":\"run\",\"dir\":\"forward\",\"until\":{\"event\":\"sigsegv\"}}").get("step").intValue())
                .isEqualTo(251);
    }

    @Test
    void tooManyMessagesPerSecondAreRefusedByName() throws Exception {
        WsClient c = connect();
        // a burst of 1,000 in far less than the 5 s that 200 per second would need
        for (int i = 0; i < 1000; i++) {
            c.send("{\"type\":\"hello\",\"v\":1}");
        }
        int limited = 0;
        for (int i = 0; i < 1000; i++) {
            JsonNode m = c.next();
            if (m.get("type").stringValue().equals("error")) {
                assertError(m, "limit", "cowscope.session.max-messages-per-second");
                limited++;
            }
        }
        assertThat(limited).isPositive();
        Thread.sleep(1100);
        assertThat(c.ask("{\"type\":\"hello\",\"v\":1}").get("type").stringValue()).isEqualTo("hello");
    }

    // ---------------------------------------------------------------- this machine (cowscope.host.enabled, off here)

    @Test
    void thisMachineIsNotOfferedAndItsRunIsRefusedWhenHostIsDisabled() throws Exception {
        WsClient c = connect();
        JsonNode hello = c.ask("{\"type\":\"hello\",\"v\":1}");
        assertThat(hello.get("type").stringValue()).isEqualTo("hello");
        assertThat(hello.has("host")).as("%s", hello).isFalse();
        // refused before and after a load, naming the property; the session still answers
        assertError(c.ask("{\"type\":\"host\",\"v\":1,\"id\":\"host\"}"), "disabled", "cowscope.host.enabled=false");
        assertThat(c.ask(load("basic-cow-after-fork", null)).get("type").stringValue()).isEqualTo("session");
        JsonNode refused = c.ask("{\"type\":\"host\",\"v\":1,\"id\":\"host\"}");
        assertError(refused, "disabled", "cowscope.host.enabled=false");
        assertThat(refused.get("id").stringValue()).isEqualTo("host");
        assertThat(c.ask("{\"type\":\"step\",\"dir\":\"forward\"}").get("type").stringValue()).isEqualTo("delta");
    }

    // ---------------------------------------------------------------- helpers

    private static void assertError(JsonNode m, String code, String mentions) {
        assertThat(m.get("type").stringValue()).as("%s", m).isEqualTo("error");
        assertThat(m.get("code").stringValue()).as("%s", m).isEqualTo(code);
        assertThat(m.get("message").stringValue()).contains(mentions);
    }

    private static JsonNode page(JsonNode state, String proc, String var, int index) {
        for (JsonNode p : state.get("processes")) {
            if (!p.get("name").stringValue().equals(proc)) {
                continue;
            }
            for (JsonNode v : p.get("vmas")) {
                if (!v.get("var").stringValue().equals(var)) {
                    continue;
                }
                for (JsonNode pte : v.get("ptes")) {
                    if (pte.get("index").intValue() == index) {
                        long pfn = pte.get("pfn").longValue();
                        for (JsonNode page : state.get("pages")) {
                            if (page.get("pfn").longValue() == pfn) {
                                return page;
                            }
                        }
                    }
                }
            }
        }
        return null;
    }

    private static Long refcount(JsonNode state, String proc, String var, int index) {
        JsonNode p = page(state, proc, var, index);
        return p == null ? null : p.get("refcount").longValue();
    }

    private static Map<String, Integer> counts(JsonNode n) {
        Map<String, Integer> m = new HashMap<>();
        n.properties().forEach(e -> m.put(e.getKey(), e.getValue().intValue()));
        return m;
    }

    private static List<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        java.util.Set<String> u = new java.util.LinkedHashSet<>(a);
        u.addAll(b);
        return new ArrayList<>(u);
    }
}
