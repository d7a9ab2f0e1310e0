package io.flowpulse.sources.netflow;

import static io.flowpulse.sources.netflow.IpfixMessages.concat;
import static io.flowpulse.sources.netflow.IpfixMessages.e;
import static io.flowpulse.sources.netflow.IpfixMessages.f;
import static io.flowpulse.sources.netflow.IpfixMessages.template;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.flowpulse.functions.RecordValidators;
import io.flowpulse.records.FlowRecord;
import io.flowpulse.testing.RecordedExports;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class NetFlowDecoderTest {
    static final InetAddress EXPORTER = InetAddress.getLoopbackAddress();
    static final long NOW = 1_700_000_000_000L;

    static List<RecordedExports> recordings() throws Exception {
        return RecordedExports.all();
    }

    static List<FlowRecord> decodeAll(NetFlowDecoder d, List<byte[]> datagrams) throws NetFlowDecodeException {
        List<FlowRecord> out = new ArrayList<>();
        for (byte[] g : datagrams) {
            out.addAll(d.decode(EXPORTER, g, 0, g.length, NOW));
        }
        return out;
    }

    static long packets(List<FlowRecord> rs) {
        return rs.stream().mapToLong(r -> r.getFwdPackets() + r.getBwdPackets()).sum();
    }

    static long octets(List<FlowRecord> rs) {
        return rs.stream().mapToLong(r -> r.getFwdBytes() + r.getBwdBytes()).sum();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordings")
    void softflowdExportsDecodeToTheExportersOwnCounts(RecordedExports rec) throws Exception {
        NetFlowDecoder d = new NetFlowDecoder();
        List<FlowRecord> rs = decodeAll(d, rec.datagrams());
        assertEquals(rec.records(), rs.size(), "records");
        assertEquals(rec.packets(), packets(rs), "packets");
        assertEquals(rec.octets(), octets(rs), "octets");
        CollectorStats s = d.stats();
        assertEquals(0, s.undecodable);
        assertEquals(0, s.sequenceGap, "no export lost on loopback: " + s);
        assertEquals(0, s.sequenceResets, s.toString());
        assertEquals(0, s.timesApproximated, s.toString());
        for (FlowRecord r : rs) {
            assertNull(RecordValidators.flowRecord(r), r.toString());
            // the captures are from 2010-2021: absolute times, not uptime offsets
            assertTrue(r.getStartMicros() > 1_262_304_000_000_000L && r.getEndMicros() < 1_700_000_000_000_000L, r.toString());
            assertEquals(EXPORTER.getHostAddress(), r.getExporter());
            assertEquals(ByteBuffer.wrap(EXPORTER.getAddress()), r.getExporterAddress());
        }
        if (rec.name().endsWith("v10b")) {
            assertTrue(rs.stream().anyMatch(r -> r.getBwdPackets() > 0), "RFC 5103 biflow: reverse counters");
        }
    }

    @Test
    void ipfixTimesFromSystemInitAndAbsoluteMillisAgree() throws Exception {
        List<FlowRecord> uptime = decodeAll(new NetFlowDecoder(), RecordedExports.named("wechat.v10").datagrams());
        List<FlowRecord> millis = decodeAll(new NetFlowDecoder(), RecordedExports.named("wechat.v10ms").datagrams());
        assertEquals(uptime.size(), millis.size());
        long firstUptime = uptime.stream().mapToLong(FlowRecord::getStartMicros).min().orElseThrow();
        long firstMillis = millis.stream().mapToLong(FlowRecord::getStartMicros).min().orElseThrow();
        assertTrue(Math.abs(firstUptime - firstMillis) <= 1_000, firstUptime + " vs " + firstMillis);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordings")
    void dataBeforeTemplateIsBufferedAndDecodedWhenTheTemplateArrives(RecordedExports rec) throws Exception {
        if (rec.name().endsWith("v5")) {
            return; // no templates
        }
        List<byte[]> datagrams = new ArrayList<>(rec.datagrams());
        // the collector starts late: the datagrams carrying templates arrive after data that needs them
        byte[] first = datagrams.remove(0);
        datagrams.add(Math.min(2, datagrams.size()), first);
        NetFlowDecoder d = new NetFlowDecoder();
        List<FlowRecord> rs = decodeAll(d, datagrams);
        assertEquals(rec.records(), rs.size(), d.stats().toString());
        assertEquals(rec.packets(), packets(rs));
        assertEquals(rec.octets(), octets(rs));
        assertTrue(d.stats().dataSetsBuffered > 0 || datagrams.size() == 1, d.stats().toString());
        assertEquals(d.stats().dataSetsBuffered, d.stats().dataSetsDecodedLate);
        assertEquals(0, d.stats().dataSetsDroppedWithoutTemplate);
    }

    @Test
    void aDatagramLostOnTheWayShowsAsASequenceGap() throws Exception {
        for (String name : List.of("synscan.v5", "synscan.v9", "synscan.v10")) {
            List<byte[]> datagrams = new ArrayList<>(RecordedExports.named(name).datagrams());
            NetFlowDecoder probe = new NetFlowDecoder();
            decodeAll(probe, datagrams.subList(0, 10));
            long before = probe.stats().flowRecords;
            decodeAll(probe, datagrams.subList(10, 11));
            long lostRecords = probe.stats().flowRecords - before;
            datagrams.remove(10);
            NetFlowDecoder d = new NetFlowDecoder();
            decodeAll(d, datagrams);
            // v5 and IPFIX count flow records, v9 export packets
            assertEquals(name.endsWith("v9") ? 1 : lostRecords, d.stats().sequenceGap, name + ": " + d.stats());
            assertEquals(1, d.stats().gapsPerExporter.size());
        }
    }

    @Test
    void malformedDatagramsAreRejectedWithAReason() throws Exception {
        List<byte[]> good = RecordedExports.named("wechat.v10").datagrams();
        NetFlowDecoder d = new NetFlowDecoder();
        decodeAll(d, good.subList(0, 1));
        byte[] g = good.get(1).clone();
        assertReason(d, new byte[] {0, 9}, "shorter than any");
        assertReason(d, new byte[] {0, 7, 0, 0, 0, 0}, "unsupported export version 7");
        assertReason(d, java.util.Arrays.copyOf(g, 10), "IPFIX header");
        byte[] longer = g.clone();
        ByteBuffer.wrap(longer).putShort(2, (short) (g.length + 1));
        assertReason(d, longer, "message length");
        byte[] badSet = g.clone();
        ByteBuffer.wrap(badSet).putShort(18, (short) 60000);
        assertReason(d, badSet, "runs past the message");
        byte[] reserved = g.clone();
        ByteBuffer.wrap(reserved).putShort(16, (short) 7);
        assertReason(d, reserved, "reserved set id 7");
        byte[] shortAddress = new IpfixMessages(1, 0, 1).set(2, template(400, f(8, 2), f(12, 4))).build();
        assertReason(d, shortAddress, "element 8 with length 2");
        byte[] v9 = RecordedExports.named("wechat.v9").datagrams().get(0);
        assertReason(d, java.util.Arrays.copyOf(v9, 19), "NetFlow v9 header");
        assertReason(d, java.util.Arrays.copyOf(new byte[] {0, 5, 0, 3}, 30), "NetFlow v5 count 3");
        assertEquals(9, d.stats().undecodable);
        // nothing of a rejected datagram was kept: the good ones still decode to the exporter's counts
        NetFlowDecoder fresh = new NetFlowDecoder();
        assertEquals(decodeAll(fresh, good).size(), decodeAll(d, good.subList(1, good.size())).size()
                + new NetFlowDecoder().decode(EXPORTER, good.get(0), 0, good.get(0).length, NOW).size());
    }

    private static void assertReason(NetFlowDecoder d, byte[] datagram, String expected) {
        NetFlowDecodeException e = assertThrows(NetFlowDecodeException.class,
                () -> d.decode(EXPORTER, datagram, 0, datagram.length, NOW));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void fuzzedDatagramsEitherDecodeOrAreRejectedNeverCrash() throws Exception {
        Random random = new Random(13);
        List<byte[]> seeds = new ArrayList<>();
        for (String name : List.of("wechat.v5", "wechat.v9", "wechat.v10", "wechat.v10b", "1kxun.v10ms")) {
            seeds.addAll(RecordedExports.named(name).datagrams());
        }
        NetFlowDecoder d = new NetFlowDecoder(Duration.ofMinutes(30), 16);
        int rejected = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] g = seeds.get(random.nextInt(seeds.size())).clone();
            switch (random.nextInt(4)) {
                case 0 -> { // bit flips
                    for (int k = 0, n = 1 + random.nextInt(8); k < n; k++) {
                        g[random.nextInt(g.length)] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 1 -> g = java.util.Arrays.copyOf(g, random.nextInt(g.length)); // truncation
                case 2 -> { // a length or id field overwritten
                    int at = random.nextInt(Math.max(1, g.length - 1));
                    g[at] = (byte) random.nextInt(256);
                    g[at + 1] = (byte) random.nextInt(256);
                }
                default -> random.nextBytes(g); // noise
            }
            try {
                List<FlowRecord> rs = d.decode(EXPORTER, g, 0, g.length, NOW);
                for (FlowRecord r : rs) {
                    assertTrue(r.getFwdPackets() >= 0 && r.getFwdBytes() >= 0);
                }
            } catch (NetFlowDecodeException expected) {
                rejected++;
                assertTrue(!expected.getMessage().isBlank());
            } catch (Throwable t) {
                fail("fuzzed datagram " + i + " crashed the decoder", t);
            }
        }
        assertEquals(rejected, d.stats().undecodable);
        assertTrue(rejected > 5_000, "most noise is rejected: " + rejected);
    }

    // ---------------------------------------------------------------- hand-built IPFIX

    static final int[][] FIELDS = {f(8, 4), f(12, 4), f(7, 2), f(11, 2), f(4, 1), f(2, 8), f(1, 8), f(152, 8), f(153, 8)};

    static byte[] record(int srcLast, long packets, long octets) {
        ByteBuffer b = ByteBuffer.allocate(45);
        b.put(new byte[] {10, 0, 0, (byte) srcLast}).put(new byte[] {10, 0, 0, 99}).putShort((short) 5000).putShort((short) 443)
                .put((byte) 6).putLong(packets).putLong(octets).putLong(NOW - 2000).putLong(NOW - 1000);
        return b.array();
    }

    @Test
    void variableLengthAndEnterpriseFieldsAreSkippedByTheirLength() throws Exception {
        int[][] fields = {f(8, 4), e(1, 65535, 9999), f(12, 4), f(82, 65535), f(2, 4), e(7, 2, 9999), f(1, 4), f(4, 1),
                f(152, 8), f(153, 8)};
        ByteBuffer data = ByteBuffer.allocate(2 * 700);
        for (int len : new int[] {3, 300}) { // short form, then the 255 + 2-byte form
            data.put(new byte[] {10, 0, 0, 1});
            if (len < 255) {
                data.put((byte) len);
            } else {
                data.put((byte) 255).putShort((short) len);
            }
            data.put(new byte[len]).put(new byte[] {10, 0, 0, 2}).put((byte) 4).put("eth0".getBytes())
                    .putInt(7).putShort((short) 1).putInt(700).put((byte) 17).putLong(NOW - 5).putLong(NOW);
        }
        byte[] body = java.util.Arrays.copyOf(data.array(), data.position());
        byte[] m = new IpfixMessages(NOW / 1000, 0, 42).set(2, template(300, fields)).set(300, body).build();
        NetFlowDecoder d = new NetFlowDecoder();
        List<FlowRecord> rs = d.decode(EXPORTER, m, 0, m.length, NOW);
        assertEquals(2, rs.size());
        for (FlowRecord r : rs) {
            assertEquals(7, r.getFwdPackets());
            assertEquals(700, r.getFwdBytes());
            assertEquals(17, r.getKey().getProtocol());
            assertEquals(0, r.getKey().getSrcPort()); // enterprise element 7 is not sourceTransportPort
            assertEquals(42L, r.getObservationDomain());
            assertEquals((NOW - 5) * 1000, r.getStartMicros());
        }
    }

    @Test
    void withdrawnAndExpiredTemplatesNoLongerDecode() throws Exception {
        NetFlowDecoder d = new NetFlowDecoder(Duration.ofMinutes(10), 8);
        byte[] tpl = new IpfixMessages(NOW / 1000, 0, 1).set(2, template(300, FIELDS)).build();
        d.decode(EXPORTER, tpl, 0, tpl.length, NOW);
        byte[] data = new IpfixMessages(NOW / 1000, 0, 1).set(300, concat(record(1, 3, 300), record(2, 4, 400))).build();
        assertEquals(2, d.decode(EXPORTER, data, 0, data.length, NOW).size());
        // withdrawal of template 300 (field count 0), then data for it waits
        byte[] withdraw = new IpfixMessages(NOW / 1000, 2, 1).set(2, new byte[] {1, 44, 0, 0}).build();
        d.decode(EXPORTER, withdraw, 0, withdraw.length, NOW);
        assertEquals(1, d.stats().templatesWithdrawn);
        byte[] data2 = new IpfixMessages(NOW / 1000, 2, 1).set(300, record(3, 5, 500)).build();
        assertEquals(0, d.decode(EXPORTER, data2, 0, data2.length, NOW).size());
        assertEquals(1, d.stats().dataSetsBuffered);
        // the template comes back: the waiting record is decoded with the datagram that brought it
        List<FlowRecord> late = d.decode(EXPORTER, tpl, 0, tpl.length, NOW + 1);
        assertEquals(1, late.size());
        assertEquals(5, late.get(0).getFwdPackets());
        // not refreshed for longer than the lifetime: expired
        long later = NOW + Duration.ofMinutes(11).toMillis();
        assertEquals(0, d.decode(EXPORTER, data, 0, data.length, later).size());
        assertEquals(1, d.stats().templatesExpired);
        // another observation domain of the same exporter has its own templates
        byte[] otherDomain = new IpfixMessages(NOW / 1000, 0, 2).set(300, record(1, 1, 1)).build();
        assertEquals(0, d.decode(EXPORTER, otherDomain, 0, otherDomain.length, later).size());
    }

    @Test
    void aWithdrawalOfAllTemplatesOfASet() throws Exception {
        NetFlowDecoder d = new NetFlowDecoder();
        byte[] tpl = new IpfixMessages(NOW / 1000, 0, 1).set(2, concat(template(300, FIELDS), template(301, FIELDS))).build();
        d.decode(EXPORTER, tpl, 0, tpl.length, NOW);
        assertEquals(2, d.templateCount());
        byte[] all = new IpfixMessages(NOW / 1000, 0, 1).set(2, new byte[] {0, 2, 0, 0}).build();
        d.decode(EXPORTER, all, 0, all.length, NOW);
        assertEquals(0, d.templateCount());
    }

    @Test
    void bufferedDataWithoutATemplateIsBoundedAndCounted() throws Exception {
        NetFlowDecoder d = new NetFlowDecoder(Duration.ofMinutes(10), 4);
        for (int i = 0; i < 10; i++) {
            byte[] data = new IpfixMessages(NOW / 1000, i, 1).set(300 + i, record(1, 1, 1)).build();
            d.decode(EXPORTER, data, 0, data.length, NOW);
        }
        assertEquals(10, d.stats().dataSetsBuffered);
        assertEquals(6, d.stats().dataSetsDroppedWithoutTemplate);
    }
}
