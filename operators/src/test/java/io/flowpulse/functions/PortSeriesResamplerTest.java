package io.flowpulse.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.ml.series.ExponentialScaler;
import io.flowpulse.ml.series.PortSeriesParams;
import io.flowpulse.records.DeadLetter;
import io.flowpulse.records.Direction;
import io.flowpulse.records.codec.ByteBuffers;
import io.flowpulse.records.codec.Codecs;
import io.flowpulse.records.PortPoint;
import io.flowpulse.records.PortSample;
import io.flowpulse.records.SampleKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PortSeriesResamplerTest {
    private static final long MIN = 60_000L;
    private static final long BUCKET = 30 * MIN;
    private static final long LATENESS = 10 * MIN;
    /** A Monday, 00:00 UTC. */
    private static final long T0 = Instant.parse("2026-11-02T00:00:00Z").toEpochMilli();
    private static final long TWO_32 = 1L << 32;

    private KeyedOneInputStreamOperatorTestHarness<String, PortSample, PortPoint> harness;

    private KeyedOneInputStreamOperatorTestHarness<String, PortSample, PortPoint> open(PortSeriesParams params)
            throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new PortSeriesResampler(params),
                new PortKeySelector(), Types.STRING);
        return harness;
    }

    private KeyedOneInputStreamOperatorTestHarness<String, PortSample, PortPoint> open() throws Exception {
        return open(PortSeriesParams.defaults());
    }

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private static PortSample sample(long ts, SampleKind kind, long bytes, int bits) {
        return PortSample.newBuilder().setDevice("edge-router-01").setPort("ge-0/1/1").setDirection(Direction.IN)
                .setTimestampMillis(ts).setKind(kind).setBytes(bytes).setCounterBits(bits).build();
    }

    private void send(PortSample s) throws Exception {
        harness.processElement(new StreamRecord<>(s, s.getTimestampMillis()));
    }

    /** Watermark just far enough for the bucket starting at {@code bucketStart} to be emitted. */
    private void emitThrough(long bucketStart) throws Exception {
        harness.processWatermark(new Watermark(bucketStart + BUCKET - 1 + LATENESS));
    }

    private List<PortPoint> points() {
        return harness.extractOutputValues();
    }

    @Test
    void deltasAreSummedPerBucketWithCalendarFeatures() throws Exception {
        open();
        for (long t = T0; t < T0 + 60 * MIN; t += 5 * MIN) {
            send(sample(t, SampleKind.DELTA, 100, 64));
        }
        emitThrough(T0 + 30 * MIN);
        List<PortPoint> points = points();
        assertEquals(2, points.size());
        for (PortPoint p : points) {
            assertEquals(600.0, p.getBytes());
            assertEquals(6, p.getSampleCount());
            assertFalse(p.getFilled());
            assertFalse(p.getCounterReset());
            assertEquals(0, p.getHourOfDay());
            assertEquals(1, p.getDayOfWeek());
            assertEquals("edge-router-01", p.getDevice());
            assertEquals("ge-0/1/1", p.getPort());
            assertEquals(Direction.IN, p.getDirection());
        }
        assertEquals(T0, points.get(0).getBucketStartMillis());
        assertEquals(T0 + 30 * MIN, points.get(0).getBucketEndMillis());
    }

    @Test
    void bucketWaitsForAllowedLateness() throws Exception {
        open();
        send(sample(T0 + 5 * MIN, SampleKind.DELTA, 100, 64));
        harness.processWatermark(new Watermark(T0 + 35 * MIN));
        send(sample(T0 + 20 * MIN, SampleKind.DELTA, 50, 64)); // behind the watermark but within the lateness
        assertTrue(points().isEmpty());
        emitThrough(T0);
        assertEquals(150.0, points().get(0).getBytes());
        assertTrue(harness.getSideOutput(SideOutputs.LATE_PORT_SAMPLES) == null
                || harness.getSideOutput(SideOutputs.LATE_PORT_SAMPLES).isEmpty());
    }

    @Test
    void thirtyTwoBitWrapIsUnwrapped() throws Exception {
        open();
        long counter = TWO_32 - 250;
        for (long t = T0; t <= T0 + 30 * MIN; t += 5 * MIN) {
            send(sample(t, SampleKind.COUNTER, counter & (TWO_32 - 1), 32));
            counter += 100;
        }
        emitThrough(T0);
        PortPoint p = points().get(0);
        assertEquals(600.0, p.getBytes(), 1e-9, "six 5-minute deltas of 100 bytes across the wrap");
        assertFalse(p.getCounterReset());
    }

    @Test
    void counterResetIsFlaggedAndNotASpike() throws Exception {
        for (int bits : new int[] {32, 64}) {
            open();
            long counter = bits == 32 ? 3_000_000_000L : 1_000_000_000_000L;
            long t = T0;
            for (; t <= T0 + 60 * MIN; t += 5 * MIN) {
                send(sample(t, SampleKind.COUNTER, counter, bits));
                counter += 1_000_000;
            }
            // counters cleared during (60, 65] min: the next reading is the 600 KB counted since
            send(sample(t, SampleKind.COUNTER, 600_000, bits));
            send(sample(t + 5 * MIN, SampleKind.COUNTER, 1_600_000, bits));
            emitThrough(T0 + 60 * MIN);
            List<PortPoint> points = points();
            assertEquals(3, points.size());
            PortPoint reset = points.get(2);
            assertTrue(reset.getCounterReset(), bits + "-bit reset flagged");
            assertEquals(1_600_000.0, reset.getBytes(), 1e-6, bits + "-bit: the new value, then a normal delta");
            assertFalse(points.get(1).getCounterReset());
            assertEquals(6_000_000.0, points.get(1).getBytes(), 1e-6);
            harness.close();
            harness = null;
        }
    }

    @Test
    void aCounterGoingBackwardsIsADeadLetterAndTheSeriesKeepsCountingFromTheLastGoodReading() throws Exception {
        List<List<PortPoint>> runs = new java.util.ArrayList<>();
        for (boolean glitch : new boolean[] {true, false}) {
            open();
            long counter = 1_000_000_000_000L;
            for (long t = T0; t < T0 + 60 * MIN; t += 5 * MIN) {
                if (t == T0 + 30 * MIN) {
                    // 6 MB below the last reading: far too much for a reset (the link carries ~1 MB per 5 min)
                    if (glitch) {
                        send(sample(t, SampleKind.COUNTER, counter - 6_000_000, 64));
                    }
                    continue;
                }
                send(sample(t, SampleKind.COUNTER, counter, 64));
                counter += 1_000_000;
            }
            emitThrough(T0 + 30 * MIN);
            runs.add(points());
            List<DeadLetter> dead = deadLetters();
            if (glitch) {
                assertEquals(1, dead.size());
                assertTrue(dead.get(0).getReason().startsWith("counter-backwards: "), dead.get(0).getReason());
                assertEquals(T0 + 30 * MIN, Codecs.PORT_SAMPLE.decode(ByteBuffers.copy(dead.get(0).getRaw())).getTimestampMillis());
            } else {
                assertEquals(0, dead.size());
            }
            harness.close();
            harness = null;
        }
        assertEquals(2, runs.get(0).size());
        assertEquals(runs.get(1), runs.get(0), "no spike, nothing lost: as if the bad reading had not come");
        assertFalse(runs.get(0).get(1).getCounterReset());
    }

    @Test
    void twoReadingsInARowBelowTheLastOneReBaseTheCounterWithoutASpike() throws Exception {
        open();
        long counter = 1_000_000_000_000L;
        long t = T0;
        for (; t < T0 + 30 * MIN; t += 5 * MIN) {
            send(sample(t, SampleKind.COUNTER, counter, 64));
            counter += 1_000_000;
        }
        counter = 400_000_000_000L; // the agent now reports from a lower base, and keeps counting from there
        for (; t < T0 + 60 * MIN; t += 5 * MIN) {
            send(sample(t, SampleKind.COUNTER, counter, 64));
            counter += 1_000_000;
        }
        emitThrough(T0 + 30 * MIN);
        List<PortPoint> points = points();
        assertEquals(1, deadLetters().size(), "only the first lower reading is a dead letter");
        assertTrue(points.get(1).getCounterReset(), "the re-base is flagged as a reset");
        assertEquals(4_000_000.0, points.get(1).getBytes(), 1e-6, "the re-based interval counts 0, then normal deltas");
    }

    private List<DeadLetter> deadLetters() {
        var out = harness.getSideOutput(SideOutputs.DEAD_LETTERS);
        return out == null ? List.of() : out.stream().map(StreamRecord::getValue).collect(java.util.stream.Collectors.toList());
    }

    @Test
    void resetBytesCanBeDropped() throws Exception {
        open(PortSeriesParams.defaults().withCountBytesAfterReset(false));
        send(sample(T0, SampleKind.COUNTER, 5_000_000_000L, 64));
        send(sample(T0 + 5 * MIN, SampleKind.COUNTER, 5_000_100_000L, 64));
        send(sample(T0 + 10 * MIN, SampleKind.COUNTER, 40_000, 64));
        emitThrough(T0);
        assertEquals(100_000.0, points().get(0).getBytes(), 1e-6);
        assertTrue(points().get(0).getCounterReset());
    }

    @Test
    void counterDeltaIsSpreadOverTheBucketsOfItsInterval() throws Exception {
        open();
        send(sample(T0 + 20 * MIN, SampleKind.COUNTER, 0, 64));
        send(sample(T0 + 40 * MIN, SampleKind.COUNTER, 2_000, 64)); // 10 minutes in each bucket
        emitThrough(T0 + 30 * MIN);
        assertEquals(1_000.0, points().get(0).getBytes(), 1e-9);
        assertEquals(1_000.0, points().get(1).getBytes(), 1e-9);
    }

    @Test
    void gapsAreFilledWithFlaggedZeros() throws Exception {
        open();
        send(sample(T0 + MIN, SampleKind.DELTA, 500, 64));
        send(sample(T0 + 3 * BUCKET + MIN, SampleKind.DELTA, 700, 64));
        emitThrough(T0 + 3 * BUCKET);
        List<PortPoint> points = points();
        assertEquals(4, points.size());
        assertEquals(List.of(false, true, true, false), points.stream().map(PortPoint::getFilled).toList());
        assertEquals(List.of(500.0, 0.0, 0.0, 700.0), points.stream().map(PortPoint::getBytes).toList());
        assertEquals(0, points.get(1).getSampleCount());
        for (int i = 0; i < 4; i++) {
            assertEquals(T0 + i * BUCKET, points.get(i).getBucketStartMillis());
        }
    }

    @Test
    void lateSamplesGoToTheCountedSideOutput() throws Exception {
        open();
        send(sample(T0 + MIN, SampleKind.DELTA, 500, 64));
        emitThrough(T0);
        send(sample(T0 + 10 * MIN, SampleKind.DELTA, 99, 64)); // its bucket is already emitted
        PortSample otherKey = PortSample.newBuilder(sample(T0 + 2 * MIN, SampleKind.DELTA, 1, 64)).setPort("xe-0/0/0").build();
        send(otherKey); // a new key, but behind the emission time of its bucket
        assertEquals(2, harness.getSideOutput(SideOutputs.LATE_PORT_SAMPLES).size());
        assertEquals(1, points().size());
        assertEquals(500.0, points().get(0).getBytes());
        emitThrough(T0 + BUCKET);
        assertEquals(0.0, points().get(1).getBytes(), "late bytes are not added to a later bucket");
    }

    @Test
    void outlierIsClippedAndMarkedWithTheOriginalKept() throws Exception {
        open();
        double[] values = {1_000, 1_040, 960, 1_000, 1_020, 100_000, 1_000};
        for (int i = 0; i < values.length; i++) {
            send(sample(T0 + i * BUCKET + MIN, SampleKind.DELTA, (long) values[i], 64));
        }
        emitThrough(T0 + (values.length - 1) * BUCKET);
        List<PortPoint> points = points();
        assertEquals(values.length, points.size());
        PortPoint spike = points.get(5);
        assertTrue(spike.getClipped());
        assertEquals(100_000.0, spike.getBytes());
        assertTrue(spike.getClippedBytes() > 1_000 && spike.getClippedBytes() < 1_200, "clipped to the band: " + spike);
        assertTrue(spike.getZScore() > 2);
        for (int i = 0; i < values.length; i++) {
            if (i != 5) {
                assertFalse(points.get(i).getClipped(), "point " + i);
                assertEquals(points.get(i).getBytes(), points.get(i).getClippedBytes());
            }
        }
        // the clipped value, not the spike, entered the window: the next normal point is not clipped
        assertFalse(points.get(6).getClipped());
        assertTrue(Math.abs(points.get(6).getScaled()) < 3, "scaler saw the clipped value: " + points.get(6));
    }

    @Test
    void idleKeyIsClearedWithItsTimers() throws Exception {
        open();
        send(sample(T0, SampleKind.COUNTER, 1_000, 64));
        send(sample(T0 + 5 * MIN, SampleKind.COUNTER, 2_000, 64));
        send(sample(T0 + 40 * MIN, SampleKind.DELTA, 10, 64));
        assertTrue(harness.numKeyedStateEntries() > 0);
        assertEquals(1, harness.numEventTimeTimers());
        emitThrough(T0 + 10 * BUCKET);
        assertEquals(11, points().size());
        assertEquals(1, harness.numEventTimeTimers(), "one timer per key at any time");
        long ttl = PortSeriesParams.defaults().stateTtlMillis;
        harness.processWatermark(new Watermark(T0 + 40 * MIN + ttl));
        assertEquals(0, harness.numKeyedStateEntries());
        assertEquals(0, harness.numEventTimeTimers());
        // zero buckets were emitted up to the cleanup, then nothing more
        int emitted = points().size();
        assertEquals((40 * MIN + ttl - (BUCKET - 1 + LATENESS)) / BUCKET + 1, emitted);
        harness.processWatermark(new Watermark(T0 + 10 * ttl));
        assertEquals(emitted, points().size());
    }

    @Test
    void restoresFromASnapshotOnRocksDbWithoutChangingTheOutput() throws Exception {
        List<PortSample> samples = new ArrayList<>();
        long counter = TWO_32 - 3_000_000;
        for (long t = T0; t < T0 + 6 * BUCKET; t += 5 * MIN) {
            samples.add(sample(t, SampleKind.COUNTER, counter & (TWO_32 - 1), 32));
            counter += 400_000 + (t / MIN % 7) * 10_000;
        }
        List<PortPoint> uninterrupted = run(samples, 0, samples.size(), null).points;
        Run first = run(samples, 0, samples.size() / 2, null);
        List<PortPoint> restored = new ArrayList<>(first.points);
        restored.addAll(run(samples, samples.size() / 2, samples.size(), first.snapshot).points);
        assertEquals(5, uninterrupted.size());
        assertEquals(uninterrupted, restored);
    }

    private record Run(List<PortPoint> points, OperatorSubtaskState snapshot) {}

    private static Run run(List<PortSample> samples, int from, int to, OperatorSubtaskState restore) throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<String, PortSample, PortPoint>(
                new KeyedProcessOperator<>(new PortSeriesResampler(PortSeriesParams.defaults())),
                new PortKeySelector(), Types.STRING)) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
            h.setup();
            if (restore != null) {
                h.initializeState(restore);
            }
            h.open();
            for (PortSample s : samples.subList(from, to)) {
                h.processElement(new StreamRecord<>(s, s.getTimestampMillis()));
                h.processWatermark(new Watermark(s.getTimestampMillis() - 1));
            }
            OperatorSubtaskState snapshot = h.snapshot(1, samples.get(to - 1).getTimestampMillis());
            return new Run(new ArrayList<>(h.extractOutputValues()), snapshot);
        }
    }

    @Test
    void stateValuesAreSmall() throws Exception {
        // 96 bytes + 2 for backwardsPending (null marker and value), the counter-backwards handling,
        // + 13 for the no-data run (filledRun, silentSinceMillis with their null markers)
        int series = serializedSize(PortSeriesResampler.SeriesState.class, new PortSeriesResampler.SeriesState());
        assertTrue(series <= 111, "SeriesState: " + series + " bytes");
        assertTrue(serializedSize(PortSeriesResampler.BucketSlot.class, new PortSeriesResampler.BucketSlot()) <= 24);
    }

    private static <T> int serializedSize(Class<T> type, T value) throws Exception {
        var serializer = org.apache.flink.api.common.typeinfo.TypeInformation.of(type)
                .createSerializer(new org.apache.flink.api.common.serialization.SerializerConfigImpl());
        var out = new org.apache.flink.core.memory.DataOutputSerializer(128);
        serializer.serialize(value, out);
        return out.length();
    }

    @Test
    void statePojosAreSerializedWithoutKryo() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(PortSeriesResampler.SeriesState.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(PortSeriesResampler.BucketSlot.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(ExponentialScaler.class);
    }

    @Test
    void portKeyRoundTrips() {
        String key = new PortKeySelector().getKey(sample(T0, SampleKind.DELTA, 1, 64));
        assertEquals("edge-router-01|ge-0/1/1|IN", key);
        assertEquals(List.of("edge-router-01", "ge-0/1/1", "IN"), List.of(PortKeySelector.parts(key)));
    }
}
