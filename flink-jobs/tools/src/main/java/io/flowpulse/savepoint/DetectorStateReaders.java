package io.flowpulse.savepoint;

import io.flowpulse.functions.PortAnomalyDetector;
import io.flowpulse.functions.PortRcfDetector;
import io.flowpulse.functions.PortRobustBandDetector;
import io.flowpulse.ml.detectors.RobustBandState;
import io.flowpulse.functions.PortStlDetector;
import io.flowpulse.ml.detectors.HoltWintersState;
import io.flowpulse.ml.detectors.SeasonalSlot;
import io.flowpulse.ml.detectors.StlModel;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.util.Collector;

/**
 * State Processor API readers of the per-port detectors' keyed state: one {@link DetectorKeyState}
 * per key with its serialized size and its last update / refit. They register the detectors' own
 * (public, static) state descriptors, so they read exactly what the job wrote.
 */
public final class DetectorStateReaders {
    /** The STL operator refits on a daily event-time timer ({@code PortStlDetector(bucket)} in the job). */
    static final long STL_REFIT_INTERVAL_MILLIS = 24L * 3600 * 1000;

    private DetectorStateReaders() {}

    /** Sizes state entries with the serializers the job uses. */
    abstract static class SizingReader extends KeyedStateReaderFunction<String, DetectorKeyState> {
        private static final long serialVersionUID = 1L;
        private transient DataOutputSerializer buffer;

        void openSizing() {
            buffer = new DataOutputSerializer(512);
        }

        <T> TypeSerializer<T> serializer(TypeInformation<T> type) {
            return getRuntimeContext().createSerializer(type);
        }

        <T> long size(TypeSerializer<T> serializer, T value) throws java.io.IOException {
            if (value == null) {
                return 0;
            }
            buffer.clear();
            serializer.serialize(value, buffer);
            return buffer.length();
        }
    }

    /** {@link PortRobustBandDetector}: the model (one ValueState) and the last-seen time. */
    public static final class RobustBandReader extends SizingReader {
        private static final long serialVersionUID = 1L;
        private transient ValueState<RobustBandState> model;
        private transient ValueState<Long> lastSeen;
        private transient TypeSerializer<RobustBandState> modelSerializer;

        @Override
        public void open(OpenContext openContext) {
            model = getRuntimeContext().getState(PortRobustBandDetector.MODEL);
            lastSeen = getRuntimeContext().getState(PortRobustBandDetector.LAST_SEEN);
            modelSerializer = serializer(TypeInformation.of(RobustBandState.class));
            openSizing();
        }

        @Override
        public void readKey(String key, Context ctx, Collector<DetectorKeyState> out) throws Exception {
            DetectorKeyState k = new DetectorKeyState();
            k.key = key;
            Long seen = lastSeen.value();
            k.bytes = size(modelSerializer, model.value()) + (seen == null ? 0 : 8);
            if (seen != null) {
                k.lastUpdateMillis = seen;
            }
            k.timers = ctx.registeredEventTimeTimers().size();
            out.collect(k);
        }
    }

    /** {@link PortAnomalyDetector}: Holt-Winters scalars (ValueState) and seasonal slots (MapState). */
    public static final class HoltWintersReader extends SizingReader {
        private static final long serialVersionUID = 1L;
        private transient ValueState<HoltWintersState> scalars;
        private transient MapState<Integer, SeasonalSlot> slots;
        private transient TypeSerializer<HoltWintersState> scalarSerializer;
        private transient TypeSerializer<Integer> slotKeySerializer;
        private transient TypeSerializer<SeasonalSlot> slotSerializer;

        @Override
        public void open(OpenContext openContext) {
            scalars = getRuntimeContext().getState(PortAnomalyDetector.SCALARS);
            slots = getRuntimeContext().getMapState(PortAnomalyDetector.SLOTS);
            scalarSerializer = serializer(TypeInformation.of(HoltWintersState.class));
            slotKeySerializer = serializer(Types.INT);
            slotSerializer = serializer(Types.POJO(SeasonalSlot.class));
            openSizing();
        }

        @Override
        public void readKey(String key, Context ctx, Collector<DetectorKeyState> out) throws Exception {
            DetectorKeyState k = new DetectorKeyState();
            k.key = key;
            HoltWintersState s = scalars.value();
            k.bytes = size(scalarSerializer, s);
            for (Map.Entry<Integer, SeasonalSlot> e : slots.entries()) {
                k.bytes += size(slotKeySerializer, e.getKey()) + size(slotSerializer, e.getValue());
            }
            if (s != null) {
                k.lastUpdateMillis = s.lastSeenMillis;
            }
            k.timers = ctx.registeredEventTimeTimers().size();
            out.collect(k);
        }
    }

    /** {@link PortStlDetector}: fitted model, series scalars and the history ring. */
    public static final class StlReader extends SizingReader {
        private static final long serialVersionUID = 1L;
        private transient ValueState<StlModel> model;
        private transient ValueState<PortStlDetector.StlSeriesState> series;
        private transient MapState<Integer, PortStlDetector.HistoryEntry> history;
        private transient TypeSerializer<StlModel> modelSerializer;
        private transient TypeSerializer<PortStlDetector.StlSeriesState> seriesSerializer;
        private transient TypeSerializer<Integer> slotKeySerializer;
        private transient TypeSerializer<PortStlDetector.HistoryEntry> historySerializer;

        @Override
        public void open(OpenContext openContext) {
            model = getRuntimeContext().getState(PortStlDetector.MODEL);
            series = getRuntimeContext().getState(PortStlDetector.SERIES);
            history = getRuntimeContext().getMapState(PortStlDetector.HISTORY);
            modelSerializer = serializer(TypeInformation.of(StlModel.class));
            seriesSerializer = serializer(TypeInformation.of(PortStlDetector.StlSeriesState.class));
            slotKeySerializer = serializer(Types.INT);
            historySerializer = serializer(Types.POJO(PortStlDetector.HistoryEntry.class));
            openSizing();
        }

        @Override
        public void readKey(String key, Context ctx, Collector<DetectorKeyState> out) throws Exception {
            DetectorKeyState k = new DetectorKeyState();
            k.key = key;
            PortStlDetector.StlSeriesState s = series.value();
            k.bytes = size(modelSerializer, model.value()) + size(seriesSerializer, s);
            for (Map.Entry<Integer, PortStlDetector.HistoryEntry> e : history.entries()) {
                k.bytes += size(slotKeySerializer, e.getKey()) + size(historySerializer, e.getValue());
            }
            if (s != null) {
                k.lastUpdateMillis = s.lastSeenMillis;
                k.refits = s.refits;
                if (s.refits > 0 && s.timerMillis != Long.MIN_VALUE) {
                    // the pending timer is the next refit; the last one fired one interval before
                    k.lastRefitMillis = s.timerMillis - STL_REFIT_INTERVAL_MILLIS;
                }
            }
            k.timers = ctx.registeredEventTimeTimers().size();
            out.collect(k);
        }
    }

    /** {@link PortRcfDetector}: the forest's bytes and the last-seen time. */
    public static final class RcfReader extends SizingReader {
        private static final long serialVersionUID = 1L;
        private transient ValueState<byte[]> model;
        private transient ValueState<Long> lastSeen;

        @Override
        public void open(OpenContext openContext) {
            model = getRuntimeContext().getState(PortRcfDetector.MODEL);
            lastSeen = getRuntimeContext().getState(PortRcfDetector.LAST_SEEN);
            openSizing();
        }

        @Override
        public void readKey(String key, Context ctx, Collector<DetectorKeyState> out) throws Exception {
            DetectorKeyState k = new DetectorKeyState();
            k.key = key;
            byte[] forest = model.value();
            k.bytes = (forest == null ? 0 : forest.length + 4) + (lastSeen.value() == null ? 0 : 8);
            Long seen = lastSeen.value();
            if (seen != null) {
                k.lastUpdateMillis = seen;
            }
            k.timers = ctx.registeredEventTimeTimers().size();
            out.collect(k);
        }
    }
}
