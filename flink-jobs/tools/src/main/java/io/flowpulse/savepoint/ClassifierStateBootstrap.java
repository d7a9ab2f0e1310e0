package io.flowpulse.savepoint;

import io.flowpulse.functions.BroadcastStates;
import io.flowpulse.functions.FlowClassifierFunction;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.ModelUpdate;
import io.flowpulse.records.codec.Codecs;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.state.api.functions.StateBootstrapFunction;

/**
 * Writes the whole state of the flow classifier operator ({@link FlowClassifierFunction}) into a
 * new savepoint: the broadcast state {@link BroadcastStates#MODELS} with the given models, and the
 * operator list state {@link FlowClassifierFunction#BUFFER} with the flows the old savepoint had
 * buffered before its first model (the input of this function), so nothing but the models changes.
 *
 * <p>A plain {@link StateBootstrapFunction} rather than a {@code BroadcastStateBootstrapFunction}:
 * the operator holds both kinds of state, and a broadcast bootstrap function cannot write list state.
 * Broadcast state is reached through the operator state store, as the job's operator does. Models
 * travel as their single-object Avro bytes (the verified records themselves).
 */
public class ClassifierStateBootstrap extends StateBootstrapFunction<FlowFeatures> {
    private static final long serialVersionUID = 1L;

    private final List<byte[]> encodedModels;
    private transient ListState<FlowFeatures> buffer;

    public ClassifierStateBootstrap(List<ModelUpdate> models) {
        this.encodedModels = new ArrayList<>();
        for (ModelUpdate m : models) {
            encodedModels.add(Codecs.MODEL_UPDATE.encode(m));
        }
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        BroadcastState<String, ModelUpdate> models = context.getOperatorStateStore().getBroadcastState(BroadcastStates.MODELS);
        for (byte[] bytes : encodedModels) {
            ModelUpdate m = Codecs.MODEL_UPDATE.decode(bytes);
            models.put(m.getModelId(), m);
        }
        buffer = context.getOperatorStateStore().getListState(FlowClassifierFunction.BUFFER);
    }

    @Override
    public void processElement(FlowFeatures flow, Context ctx) throws Exception {
        buffer.add(flow);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        // the state was written in initializeState / processElement
    }
}
