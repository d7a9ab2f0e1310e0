package io.flowpulse.functions;

import io.flowpulse.ml.classify.ClassifierModel;
import io.flowpulse.ml.sequence.PacketSequence;
import io.flowpulse.records.Classification;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.ModelEvent;
import io.flowpulse.records.ModelKind;
import io.flowpulse.records.ModelOutcome;
import io.flowpulse.records.ModelUpdate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Classifies flows with the models of the {@code models} stream, following Flink ML's design
 * (versioned model data broadcast into the predicting operator) but keeping the serving model in
 * <b>broadcast state</b> ({@link BroadcastStates#MODELS}) so checkpoints and savepoints carry it.
 *
 * <ul>
 *   <li>Every FLOW_CLASSIFIER model id in broadcast state scores every flow; each output carries
 *       the model id and version; a gauge {@code model.<id>.activeVersion} shows what serves.
 *   <li>Updates are checked by {@link ModelUpdateValidator}; a rejected one leaves the serving
 *       model in place and yields a REJECTED {@link ModelEvent} with the reason.
 *   <li>Flows that arrive before any model wait in a bounded buffer (operator state, so it is
 *       checkpointed) and are scored when the first model arrives; when the buffer is full they
 *       go to {@link SideOutputs#UNSCORED_FLOWS}. Nothing is dropped silently.
 *   <li>Serving does not allocate per flow beyond the output record: feature vector and
 *       probability arrays are reused per model.
 *   <li>Models that prefer batches (the DJL sequence CNN, {@link ClassifierModel#prefersBatches})
 *       are served batched per operator instance: flows wait in a bounded pending batch (at most
 *       {@code batchSize}) and are scored in one pass when it is full; {@link BatchedClassifierOperator}
 *       also flushes it on a processing-time interval, before every checkpoint barrier and at end
 *       of input. Pending flows are part of the checkpointed buffer. With tree models only, every
 *       flow is scored as it arrives.
 *   <li>A model's feature names may be packet-sequence names ({@code size_i}, {@code iat_ms_i}):
 *       those come from the flow's first-packet arrays ({@link PacketSequence}), the rest from its
 *       features map.
 * </ul>
 */
public class FlowClassifierFunction extends BroadcastProcessFunction<FlowFeatures, ModelUpdate, Classification>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(FlowClassifierFunction.class);

    public static final ListStateDescriptor<FlowFeatures> BUFFER =
            new ListStateDescriptor<>("flows-before-first-model", TypeInformation.of(FlowFeatures.class));

    private final ModelUpdateValidator validator;
    private final int bufferCapacity;
    /** Flows per batch for models that prefer batches; 1 = no batching. */
    private int batchSize = 1;

    /** Flows waiting for a batched model, with their element timestamps. */
    private transient List<FlowFeatures> pending;
    private transient boolean batching;

    private transient List<FlowFeatures> buffer;
    private transient ListState<FlowFeatures> bufferState;
    private transient Map<String, Serving> serving;
    private transient List<Serving> servingList;
    private transient boolean servingLoaded;
    private transient Set<String> gauges;
    private transient Counter unscored;
    private transient Counter rejectedUpdates;
    private transient Counter acceptedUpdates;

    /** Active learning: which predictions are worth a label (null = no query candidates). */
    private final io.flowpulse.ml.active.QueryStrategy queryStrategy;
    private final double queryThreshold;
    private transient java.util.SplittableRandom queryRandom;
    private transient List<io.flowpulse.records.AnnotationRequest> pendingQueries;
    /** Per-flow reasons: the surrogate tree's path in every classification (off by default: it allocates per flow). */
    private final boolean reasons;

    public FlowClassifierFunction(ModelUpdateValidator validator, int bufferCapacity) {
        this(validator, bufferCapacity, null, 0.0);
    }

    public FlowClassifierFunction(ModelUpdateValidator validator, int bufferCapacity,
            io.flowpulse.ml.active.QueryStrategy queryStrategy, double queryThreshold) {
        this(validator, bufferCapacity, queryStrategy, queryThreshold, false);
    }

    /**
     * With a query strategy, every prediction whose score reaches {@code queryThreshold} also goes
     * to {@link SideOutputs#QUERY_CANDIDATES} as an AnnotationRequest (features, prediction,
     * probabilities, score, strategy, model version) for the budgeted selection downstream.
     */
    public FlowClassifierFunction(ModelUpdateValidator validator, int bufferCapacity,
            io.flowpulse.ml.active.QueryStrategy queryStrategy, double queryThreshold, boolean reasons) {
        this.reasons = reasons;
        this.validator = validator;
        this.bufferCapacity = bufferCapacity;
        this.queryStrategy = queryStrategy;
        this.queryThreshold = queryThreshold;
    }

    /**
     * Serves models that {@link ClassifierModel#prefersBatches prefer batches} in batches of up to
     * {@code flows} flows per operator instance (1 = one by one). Wire the function with
     * {@link BatchedClassifierOperator} so that a partial batch is flushed on time, at checkpoints
     * and at end of input.
     */
    public FlowClassifierFunction withBatchSize(int flows) {
        if (flows < 1 || flows > 65_536) {
            throw new IllegalArgumentException("batch size 1..65536, not " + flows);
        }
        this.batchSize = flows;
        return this;
    }

    public int batchSize() {
        return batchSize;
    }

    /** A decoded model with its reusable arrays. */
    static final class Serving {
        final String modelId;
        final long version;
        final ClassifierModel model;
        final double[] x;
        final double[] p;
        /** The model's surrogate tree when reasons are on and the update carries one, else null. */
        final io.flowpulse.ml.explain.SurrogateTree surrogate;

        /** {@link PacketSequence#slot} of every feature name; null when the model reads the map only. */
        final int[] slots;
        /** Batch arrays (models that prefer batches): inputs and probabilities per pending flow. */
        final double[][] xs;
        final double[][] ps;

        Serving(ModelUpdate update, ClassifierModel model, int batchSize, boolean reasons) {
            this.modelId = update.getModelId();
            this.version = update.getVersion();
            this.model = model;
            this.x = new double[model.featureSchema().size()];
            this.p = new double[model.labels().size()];
            this.surrogate = reasons ? surrogateOf(update, model) : null;
            int[] sl = new int[x.length];
            boolean packets = false;
            for (int i = 0; i < sl.length; i++) {
                sl[i] = PacketSequence.slot(model.featureSchema().names().get(i));
                packets |= sl[i] != -1;
            }
            this.slots = packets ? sl : null;
            int b = model.prefersBatches() ? batchSize : 0;
            this.xs = new double[b][x.length];
            this.ps = new double[b][p.length];
        }

        /** The model's input vector of a flow into {@code out}. */
        void fill(FlowFeatures flow, double[] out) {
            if (slots == null) {
                model.featureSchema().fill(flow.getFeatures(), out);
            } else {
                PacketSequence.fill(model.featureSchema().names(), slots, flow.getFeatures(), flow.getFirstPacketSizes(),
                        flow.getFirstPacketDirections(), flow.getFirstPacketIatMicros(), flow.getFirstPacketBytes(), out);
            }
        }

        void close() {
            if (model instanceof AutoCloseable) {
                try {
                    ((AutoCloseable) model).close();
                } catch (Exception e) {
                    LOG.warn("closing model {} v{}: {}", modelId, version, e.toString());
                }
            }
        }

        /** The update's surrogate tree if it decodes and reads the model's features; else null (no reasons, still served). */
        static io.flowpulse.ml.explain.SurrogateTree surrogateOf(ModelUpdate update, ClassifierModel model) {
            if (update.getExplanation() == null) {
                return null;
            }
            try {
                io.flowpulse.ml.explain.SurrogateTree t = io.flowpulse.ml.explain.SurrogateTree.decode(
                        io.flowpulse.records.codec.ByteBuffers.copy(update.getExplanation()));
                if (t.featureNames().equals(model.featureSchema().names())) {
                    return t;
                }
                LOG.warn("model {} v{}: surrogate tree reads other features than the model; no reasons", update.getModelId(),
                        update.getVersion());
            } catch (java.io.IOException | RuntimeException e) {
                LOG.warn("model {} v{}: surrogate tree does not decode ({}); no reasons", update.getModelId(), update.getVersion(),
                        e.toString());
            }
            return null;
        }
    }

    @Override
    public void open(OpenContext openContext) {
        serving = new HashMap<>();
        servingList = new ArrayList<>();
        gauges = new HashSet<>();
        unscored = getRuntimeContext().getMetricGroup().counter("unscoredFlows");
        rejectedUpdates = getRuntimeContext().getMetricGroup().counter("modelUpdatesRejected");
        acceptedUpdates = getRuntimeContext().getMetricGroup().counter("modelUpdatesAccepted");
        queryRandom = new java.util.SplittableRandom(17L + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
        pendingQueries = new ArrayList<>();
        if (pending == null) {
            pending = new ArrayList<>();
        }
    }

    @Override
    public void close() throws Exception {
        if (serving != null) {
            for (Serving s : serving.values()) {
                s.close();
            }
        }
        super.close();
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        bufferState = context.getOperatorStateStore().getListState(BUFFER);
        buffer = new ArrayList<>();
        for (FlowFeatures f : bufferState.get()) {
            buffer.add(f);
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        if (pending == null || pending.isEmpty()) {
            bufferState.update(buffer);
        } else {
            // flows of a partial batch (BatchedClassifierOperator flushes before the barrier; a
            // plain .process() wiring does not): restored into the buffer and scored after restore
            List<FlowFeatures> all = new ArrayList<>(buffer);
            all.addAll(pending);
            bufferState.update(all);
        }
    }

    @Override
    public void processElement(FlowFeatures flow, ReadOnlyContext ctx, Collector<Classification> out) throws Exception {
        if (!servingLoaded) {
            loadServing(ctx.getBroadcastState(BroadcastStates.MODELS));
        }
        if (servingList.isEmpty()) {
            if (buffer.size() < bufferCapacity) {
                buffer.add(flow);
            } else {
                unscored.inc();
                ctx.output(SideOutputs.UNSCORED_FLOWS, flow);
            }
            return;
        }
        if (!buffer.isEmpty()) {
            // restored with models and waiting flows: score those first
            List<FlowFeatures> waiting = new ArrayList<>(buffer);
            buffer.clear();
            for (FlowFeatures f : waiting) {
                accept(f, out);
            }
        }
        accept(flow, out);
        for (int i = 0; i < pendingQueries.size(); i++) {
            ctx.output(SideOutputs.QUERY_CANDIDATES, pendingQueries.get(i));
        }
        pendingQueries.clear();
    }

    /** Scores a flow now, or adds it to the pending batch (scored when the batch is full). */
    private void accept(FlowFeatures flow, Collector<Classification> out) {
        if (!batching) {
            classify(flow, out);
            return;
        }
        pending.add(flow);
        if (pending.size() >= batchSize) {
            flushPending(out);
        }
    }

    /** Flows in the pending batch. */
    public int pendingFlows() {
        return pending == null ? 0 : pending.size();
    }

    /**
     * Scores the pending batch: one batched pass per model that prefers batches, then every flow's
     * outputs in arrival order. Query candidates are left in {@link #takePendingQueries}.
     */
    public void flushPending(Collector<Classification> out) {
        int n = pending.size();
        if (n == 0) {
            return;
        }
        for (int m = 0; m < servingList.size(); m++) {
            Serving s = servingList.get(m);
            if (s.xs.length > 0) {
                for (int i = 0; i < n; i++) {
                    s.fill(pending.get(i), s.xs[i]);
                }
                s.model.predictProbaBatch(s.xs, n, s.ps);
            }
        }
        for (int i = 0; i < n; i++) {
            emit(pending.get(i), i, out);
        }
        pending.clear();
    }

    /** Query candidates of the last flush, for the caller to emit; the list is cleared. */
    public List<io.flowpulse.records.AnnotationRequest> takePendingQueries() {
        List<io.flowpulse.records.AnnotationRequest> q = new ArrayList<>(pendingQueries);
        pendingQueries.clear();
        return q;
    }

    @Override
    public void processBroadcastElement(ModelUpdate update, Context ctx, Collector<Classification> out) throws Exception {
        if (update.getKind() != ModelKind.FLOW_CLASSIFIER) {
            return; // detector configurations are served elsewhere
        }
        BroadcastState<String, ModelUpdate> models = ctx.getBroadcastState(BroadcastStates.MODELS);
        if (!servingLoaded) {
            loadServing(models);
        }
        ModelUpdate current = models.get(update.getModelId());
        ModelUpdateValidator.Verdict verdict = validator.check(update, current);
        boolean reporter = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0;
        if (verdict.rejection != null) {
            rejectedUpdates.inc();
            if (reporter) {
                LOG.warn("rejected model {} v{}: {} (still serving v{})", update.getModelId(), update.getVersion(),
                        verdict.rejection, current == null ? 0 : current.getVersion());
                ctx.output(SideOutputs.MODEL_EVENTS, event(update, ModelOutcome.REJECTED, verdict.rejection,
                        current == null ? 0 : current.getVersion()));
            }
            return;
        }
        // a partial batch is scored by the models it was collected for
        flushPending(out);
        for (int i = 0; i < pendingQueries.size(); i++) {
            ctx.output(SideOutputs.QUERY_CANDIDATES, pendingQueries.get(i));
        }
        pendingQueries.clear();
        models.put(update.getModelId(), update);
        putServing(new Serving(update, verdict.model, batchSize, reasons));
        acceptedUpdates.inc();
        if (reporter) {
            LOG.info("serving model {} v{} ({})", update.getModelId(), update.getVersion(), update.getFormat());
            ctx.output(SideOutputs.MODEL_EVENTS, event(update, ModelOutcome.ACCEPTED,
                    current == null ? "first version" : "replaces v" + current.getVersion(), update.getVersion()));
        }
        if (!buffer.isEmpty()) {
            for (FlowFeatures f : buffer) {
                accept(f, out);
                for (int i = 0; i < pendingQueries.size(); i++) {
                    ctx.output(SideOutputs.QUERY_CANDIDATES, pendingQueries.get(i));
                }
                pendingQueries.clear();
            }
            buffer.clear();
        }
    }

    /**
     * Scores one flow with every serving model; query candidates are left in {@link #pendingQueries}
     * for the caller to emit (the read-only and the broadcast context share no public type with
     * {@code output}, and a capturing lambda per flow would allocate on the hot path).
     */
    private void classify(FlowFeatures flow, Collector<Classification> out) {
        emit(flow, -1, out);
    }

    /**
     * Outputs of one flow for every serving model: probabilities from the batch row {@code row}
     * of a batched model (row >= 0), else computed now.
     */
    private void emit(FlowFeatures flow, int row, Collector<Classification> out) {
        Map<String, Double> features = flow.getFeatures();
        for (int m = 0; m < servingList.size(); m++) {
            Serving s = servingList.get(m);
            double[] prob = s.p;
            double[] input = s.x;
            if (row >= 0 && s.xs.length > 0) {
                prob = s.ps[row];
                input = s.xs[row];
            } else {
                s.fill(flow, s.x);
                s.model.predictProba(s.x, s.p);
            }
            emitOne(flow, features, s, input, prob, out);
        }
    }

    private void emitOne(FlowFeatures flow, Map<String, Double> features, Serving s, double[] input, double[] p,
            Collector<Classification> out) {
        {
            List<String> labels = s.model.labels();
            int best = 0;
            Map<String, Double> probabilities = new HashMap<>(labels.size() * 2);
            for (int i = 0; i < p.length; i++) {
                probabilities.put(labels.get(i), p[i]);
                if (p[i] > p[best]) {
                    best = i;
                }
            }
            out.collect(Classification.newBuilder()
                    .setKey(flow.getKey())
                    .setFlowStartMicros(flow.getStartMicros())
                    .setFlowEndMicros(flow.getEndMicros())
                    .setLabel(labels.get(best))
                    .setProbabilities(probabilities)
                    .setUncertainty(1.0 - p[best])
                    .setModelId(s.modelId)
                    .setModelVersion(s.version)
                    .setReasons(s.surrogate == null ? null : s.surrogate.reasons(input))
                    .build());
            if (queryStrategy != null) {
                double score = queryStrategy.score(p, queryRandom);
                if (score >= queryThreshold) {
                    String requestId = FlowKeySelector.canonicalKey(flow.getKey()) + "@" + flow.getStartMicros();
                    pendingQueries.add(io.flowpulse.records.AnnotationRequest.newBuilder()
                            .setRequestId(requestId)
                            .setKey(flow.getKey())
                            .setFlowStartMicros(flow.getStartMicros())
                            .setFeatures(features)
                            .setPredictedLabel(labels.get(best))
                            .setProbabilities(probabilities)
                            .setScore(score)
                            .setStrategy(queryStrategy.id())
                            .setModelId(s.modelId)
                            .setModelVersion(s.version)
                            .setRequestedMillis(flow.getEndMicros() / 1000)
                            .build());
                }
            }
        }
    }

    /** After a restore the broadcast state holds the models; decode them once. */
    private void loadServing(ReadOnlyBroadcastState<String, ModelUpdate> models) throws Exception {
        servingLoaded = true;
        for (Map.Entry<String, ModelUpdate> e : models.immutableEntries()) {
            ModelUpdate u = e.getValue();
            if (u.getKind() != ModelKind.FLOW_CLASSIFIER) {
                continue;
            }
            ModelUpdateValidator.Verdict v = validator.check(u, null);
            if (v.model != null) {
                putServing(new Serving(u, v.model, batchSize, reasons));
            } else {
                LOG.error("model {} v{} in restored state no longer validates: {}", u.getModelId(), u.getVersion(), v.rejection);
            }
        }
    }

    private void putServing(Serving s) {
        Serving replaced = serving.put(s.modelId, s);
        if (replaced != null) {
            replaced.close();
        }
        servingList.clear();
        servingList.addAll(serving.values());
        batching = false;
        for (Serving x : servingList) {
            batching |= batchSize > 1 && x.xs.length > 0;
        }
        servingList.sort((a, b) -> a.modelId.compareTo(b.modelId));
        if (gauges.add(s.modelId)) {
            String id = s.modelId;
            getRuntimeContext().getMetricGroup().addGroup("model", id)
                    .gauge("activeVersion", () -> serving.containsKey(id) ? serving.get(id).version : 0L);
        }
    }

    private static ModelEvent event(ModelUpdate u, ModelOutcome outcome, String reason, long servingVersion) {
        return ModelEvent.newBuilder()
                .setModelId(u.getModelId())
                .setVersion(u.getVersion())
                .setKind(u.getKind())
                .setOutcome(outcome)
                .setReason(reason)
                .setServingVersion(servingVersion)
                .setFormat(u.getFormat())
                .setAtMillis(System.currentTimeMillis())
                .build();
    }
}
