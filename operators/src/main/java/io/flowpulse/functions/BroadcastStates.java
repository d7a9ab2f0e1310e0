package io.flowpulse.functions;

import io.flowpulse.records.ModelUpdate;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/** Every broadcast state descriptor of the topology, in one holder. */
public final class BroadcastStates {
    /**
     * The model serving per model id: the accepted, signed {@link ModelUpdate} itself (not a
     * decoded object), so checkpoints and savepoints carry exactly what was verified.
     */
    public static final MapStateDescriptor<String, ModelUpdate> MODELS =
            new MapStateDescriptor<>("models", Types.STRING, TypeInformation.of(ModelUpdate.class));

    private BroadcastStates() {}
}
