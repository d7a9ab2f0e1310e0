package io.flowpulse.savepoint;

import io.flowpulse.config.Operators;
import io.flowpulse.functions.BroadcastStates;
import io.flowpulse.functions.FlowClassifierFunction;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.ModelUpdate;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.StateBootstrapTransformation;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.state.api.runtime.SavepointLoader;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * flowpulse savepoints through the State Processor API: what a savepoint holds (models in broadcast
 * state, per-port detector state per key) and a copy of a savepoint with another model in the
 * classifier's broadcast state. Savepoints in canonical format are backend-independent, so they
 * are read with the heap backend whichever backend (RocksDB in production) wrote them.
 */
public final class FlowpulseSavepoints {
    /** The keyed detector operators and their readers. */
    static final Map<Operators, String> DETECTORS = new LinkedHashMap<>();

    static {
        DETECTORS.put(Operators.PORT_ROBUST_BAND_DETECTOR, "robust bands");
        DETECTORS.put(Operators.PORT_DETECTOR, "Holt-Winters");
        DETECTORS.put(Operators.PORT_STL_DETECTOR, "STL");
        DETECTORS.put(Operators.PORT_RCF_DETECTOR, "Random Cut Forest");
    }

    private FlowpulseSavepoints() {}

    /** An environment for one State Processor API job (bounded, batch). */
    public static StreamExecutionEnvironment batchEnv() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.setParallelism(1);
        return env;
    }

    /** One operator of the savepoint's metadata, named by its uid from {@link Operators} when known. */
    public record OperatorSummary(String uid, OperatorID id, int parallelism, int maxParallelism, long stateBytes) {}

    /** The operators of a savepoint with their state sizes (metadata only, no job). */
    public static List<OperatorSummary> operators(String path) throws IOException {
        CheckpointMetadata metadata = SavepointLoader.loadSavepointMetadata(path);
        Map<OperatorID, String> names = new LinkedHashMap<>();
        for (Operators o : Operators.values()) {
            for (String suffix : new String[] {"", ": Writer", ": Committer"}) {
                names.put(OperatorIdentifier.forUid(o.uid() + suffix).getOperatorId(), o.uid() + suffix);
            }
        }
        List<OperatorSummary> out = new ArrayList<>();
        for (OperatorState s : metadata.getOperatorStates()) {
            String uid = s.getOperatorUid().orElse(names.getOrDefault(s.getOperatorID(), s.getOperatorID().toHexString()));
            out.add(new OperatorSummary(uid, s.getOperatorID(), s.getParallelism(), s.getMaxParallelism(), s.getStateSize()));
        }
        out.sort(Comparator.comparing(OperatorSummary::uid));
        return out;
    }

    static OperatorState operatorState(String path, Operators op) throws IOException {
        OperatorID id = OperatorIdentifier.forUid(op.uid()).getOperatorId();
        for (OperatorState s : SavepointLoader.loadSavepointMetadata(path).getOperatorStates()) {
            if (s.getOperatorID().equals(id)) {
                return s;
            }
        }
        return null;
    }

    /** The models in the classifier's broadcast state, one per model id, sorted by id. */
    public static List<ModelUpdate> models(String path) throws Exception {
        OperatorState op = operatorState(path, Operators.FLOW_CLASSIFIER);
        if (op == null || !op.hasSubtaskStates()) {
            return List.of();
        }
        StreamExecutionEnvironment env = batchEnv();
        DataStream<Tuple2<String, ModelUpdate>> state = SavepointReader.read(env, path, new HashMapStateBackend())
                .readBroadcastState(OperatorIdentifier.forUid(Operators.FLOW_CLASSIFIER.uid()),
                        BroadcastStates.MODELS.getName(), Types.STRING, TypeInformation.of(ModelUpdate.class));
        // every subtask holds the same broadcast state: one entry per model id
        Map<String, ModelUpdate> byId = new java.util.TreeMap<>();
        try (CloseableIterator<Tuple2<String, ModelUpdate>> it = state.executeAndCollect("savepoint: read models")) {
            it.forEachRemaining(t -> byId.put(t.f0, t.f1));
        }
        return new ArrayList<>(byId.values());
    }

    /** Number of flows buffered (before a first model) in the classifier's operator state. */
    public static long bufferedFlows(String path) throws Exception {
        OperatorState op = operatorState(path, Operators.FLOW_CLASSIFIER);
        if (op == null || !op.hasSubtaskStates()) {
            return 0;
        }
        StreamExecutionEnvironment env = batchEnv();
        long n = 0;
        try (CloseableIterator<FlowFeatures> it = SavepointReader.read(env, path, new HashMapStateBackend())
                .readListState(OperatorIdentifier.forUid(Operators.FLOW_CLASSIFIER.uid()), FlowClassifierFunction.BUFFER.getName(),
                        TypeInformation.of(FlowFeatures.class))
                .executeAndCollect("savepoint: count buffered flows")) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    /** Summary of one detector operator's keyed state. */
    public record DetectorSummary(Operators operator, String detector, long keys, long bytes, long oldestUpdateMillis,
            long newestUpdateMillis, long refits, long oldestRefitMillis, long newestRefitMillis, int timers) {}

    /** Per-key state of every detector operator present in the savepoint (absent ones are left out). */
    public static List<DetectorSummary> detectors(String path) throws Exception {
        List<DetectorSummary> out = new ArrayList<>();
        for (Map.Entry<Operators, String> d : DETECTORS.entrySet()) {
            OperatorState op = operatorState(path, d.getKey());
            if (op == null || !op.hasSubtaskStates()) {
                continue;
            }
            List<DetectorKeyState> keys = detectorKeys(path, d.getKey());
            long bytes = 0;
            long oldest = Long.MAX_VALUE;
            long newest = Long.MIN_VALUE;
            long refits = 0;
            long oldestRefit = Long.MAX_VALUE;
            long newestRefit = Long.MIN_VALUE;
            int timers = 0;
            for (DetectorKeyState k : keys) {
                bytes += k.bytes;
                timers += k.timers;
                refits += k.refits;
                if (k.lastUpdateMillis != Long.MIN_VALUE) {
                    oldest = Math.min(oldest, k.lastUpdateMillis);
                    newest = Math.max(newest, k.lastUpdateMillis);
                }
                if (k.lastRefitMillis != Long.MIN_VALUE) {
                    oldestRefit = Math.min(oldestRefit, k.lastRefitMillis);
                    newestRefit = Math.max(newestRefit, k.lastRefitMillis);
                }
            }
            out.add(new DetectorSummary(d.getKey(), d.getValue(), keys.size(), bytes,
                    oldest == Long.MAX_VALUE ? Long.MIN_VALUE : oldest, newest,
                    refits, oldestRefit == Long.MAX_VALUE ? Long.MIN_VALUE : oldestRefit, newestRefit, timers));
        }
        return out;
    }

    /** Every key of one detector operator. */
    public static List<DetectorKeyState> detectorKeys(String path, Operators detector) throws Exception {
        KeyedStateReaderFunction<String, DetectorKeyState> reader;
        switch (detector) {
            case PORT_ROBUST_BAND_DETECTOR: reader = new DetectorStateReaders.RobustBandReader(); break;
            case PORT_DETECTOR: reader = new DetectorStateReaders.HoltWintersReader(); break;
            case PORT_STL_DETECTOR: reader = new DetectorStateReaders.StlReader(); break;
            case PORT_RCF_DETECTOR: reader = new DetectorStateReaders.RcfReader(); break;
            default: throw new IllegalArgumentException("not a detector: " + detector);
        }
        StreamExecutionEnvironment env = batchEnv();
        List<DetectorKeyState> keys = new ArrayList<>();
        try (CloseableIterator<DetectorKeyState> it = SavepointReader.read(env, path, new HashMapStateBackend())
                .readKeyedState(OperatorIdentifier.forUid(detector.uid()), reader, Types.STRING,
                        TypeInformation.of(DetectorKeyState.class))
                .executeAndCollect("savepoint: read " + detector.uid())) {
            it.forEachRemaining(keys::add);
        }
        return keys;
    }

    /**
     * Writes {@code out}: a copy of the savepoint at {@code path} in which the classifier's broadcast
     * model state holds {@code models} (the caller verified them); the classifier's buffered flows
     * are carried over and every other operator's state is the old savepoint's, untouched. The new
     * savepoint is self-contained: the State Processor API copies the untouched operators' state files
     * into it (FLINK-14942). Keep the old savepoint anyway: it is the rollback.
     */
    public static void writeWithModels(String path, List<ModelUpdate> models, String out) throws Exception {
        OperatorState op = operatorState(path, Operators.FLOW_CLASSIFIER);
        if (op == null) {
            throw new IllegalArgumentException("savepoint " + path + " has no state of the flow classifier (uid "
                    + Operators.FLOW_CLASSIFIER.uid() + "): was it taken from the flowpulse job with a models source?");
        }
        OperatorIdentifier classifier = OperatorIdentifier.forUid(Operators.FLOW_CLASSIFIER.uid());
        StreamExecutionEnvironment env = batchEnv();
        DataStream<FlowFeatures> buffered = SavepointReader.read(env, path, new HashMapStateBackend())
                .readListState(classifier, FlowClassifierFunction.BUFFER.getName(), TypeInformation.of(FlowFeatures.class));
        StateBootstrapTransformation<FlowFeatures> state = OperatorTransformation.bootstrapWith(buffered)
                .setMaxParallelism(op.getMaxParallelism())
                .transform(new ClassifierStateBootstrap(models));
        SavepointWriter.fromExistingSavepoint(env, path, new HashMapStateBackend())
                .removeOperator(classifier)
                .withOperator(classifier, state)
                .write(out);
        env.execute("savepoint: set models");
    }
}
