package io.flowpulse.functions;

import io.flowpulse.ml.classify.ClassifierModel;
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

    /** A decoded model with its reusable arrays. */
    static final class Serving {
        final String modelId;
        final long version;
        final ClassifierModel model;
        final double[] x;
        final double[] p;
        /** The model's surrogate tree when reasons are on and the update carries one, else null. */
        final io.flowpulse.ml.explain.SurrogateTree surrogate;

        Serving(ModelUpdate update, ClassifierModel model, boolean reasons) {
            this.modelId = update.getModelId();
            this.version = update.getVersion();
            this.model = model;
            this.x = new double[model.featureSchema().size()];
            this.p = new double[model.labels().size()];
            this.surrogate = reasons ? surrogateOf(update, model) : null;
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
        bufferState.update(buffer);
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
        classify(flow, out);
        for (int i = 0; i < pendingQueries.size(); i++) {
            ctx.output(SideOutputs.QUERY_CANDIDATES, pendingQueries.get(i));
        }
        pendingQueries.clear();
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
        models.put(update.getModelId(), update);
        putServing(new Serving(update, verdict.model, reasons));
        acceptedUpdates.inc();
        if (reporter) {
            LOG.info("serving model {} v{} ({})", update.getModelId(), update.getVersion(), update.getFormat());
            ctx.output(SideOutputs.MODEL_EVENTS, event(update, ModelOutcome.ACCEPTED,
                    current == null ? "first version" : "replaces v" + current.getVersion(), update.getVersion()));
        }
        if (!buffer.isEmpty()) {
            for (FlowFeatures f : buffer) {
                classify(f, out);
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
        Map<String, Double> features = flow.getFeatures();
        for (int m = 0; m < servingList.size(); m++) {
            Serving s = servingList.get(m);
            s.model.featureSchema().fill(features, s.x);
            s.model.predictProba(s.x, s.p);
            List<String> labels = s.model.labels();
            int best = 0;
            Map<String, Double> probabilities = new HashMap<>(labels.size() * 2);
            for (int i = 0; i < s.p.length; i++) {
                probabilities.put(labels.get(i), s.p[i]);
                if (s.p[i] > s.p[best]) {
                    best = i;
                }
            }
            out.collect(Classification.newBuilder()
                    .setKey(flow.getKey())
                    .setFlowStartMicros(flow.getStartMicros())
                    .setFlowEndMicros(flow.getEndMicros())
                    .setLabel(labels.get(best))
                    .setProbabilities(probabilities)
                    .setUncertainty(1.0 - s.p[best])
                    .setModelId(s.modelId)
                    .setModelVersion(s.version)
                    .setReasons(s.surrogate == null ? null : s.surrogate.reasons(s.x))
                    .build());
            if (queryStrategy != null) {
                double score = queryStrategy.score(s.p, queryRandom);
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
                putServing(new Serving(u, v.model, reasons));
            } else {
                LOG.error("model {} v{} in restored state no longer validates: {}", u.getModelId(), u.getVersion(), v.rejection);
            }
        }
    }

    private void putServing(Serving s) {
        serving.put(s.modelId, s);
        servingList.clear();
        servingList.addAll(serving.values());
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
