package io.flowpulse.records.codec;

import io.flowpulse.records.Alert;
import io.flowpulse.records.AnomalyScore;
import io.flowpulse.records.Annotation;
import io.flowpulse.records.AnnotationRequest;
import io.flowpulse.records.Classification;
import io.flowpulse.records.DeadLetter;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.FlowRecord;
import io.flowpulse.records.ModelUpdate;
import io.flowpulse.records.PacketBatch;
import io.flowpulse.records.PacketEvent;
import io.flowpulse.records.PortPoint;
import io.flowpulse.records.PortSample;
import java.util.List;

/** One codec per wire type. */
public final class Codecs {
    public static final AvroCodec<PacketEvent> PACKET_EVENT = AvroCodec.of(PacketEvent.class);
    /** Many packets per record (the batched form on the packets topic; the job reads it without Avro objects). */
    public static final AvroCodec<PacketBatch> PACKET_BATCH = AvroCodec.of(PacketBatch.class);
    public static final AvroCodec<FlowRecord> FLOW_RECORD = AvroCodec.of(FlowRecord.class);
    public static final AvroCodec<FlowFeatures> FLOW_FEATURES = AvroCodec.of(FlowFeatures.class);
    public static final AvroCodec<PortSample> PORT_SAMPLE = AvroCodec.of(PortSample.class);
    public static final AvroCodec<PortPoint> PORT_POINT = AvroCodec.of(PortPoint.class);
    public static final AvroCodec<Classification> CLASSIFICATION = AvroCodec.of(Classification.class);
    public static final AvroCodec<AnomalyScore> ANOMALY_SCORE = AvroCodec.of(AnomalyScore.class);
    public static final AvroCodec<Alert> ALERT = AvroCodec.of(Alert.class);
    public static final AvroCodec<AnnotationRequest> ANNOTATION_REQUEST =
            AvroCodec.of(AnnotationRequest.class);
    public static final AvroCodec<Annotation> ANNOTATION = AvroCodec.of(Annotation.class);
    public static final AvroCodec<ModelUpdate> MODEL_UPDATE = AvroCodec.of(ModelUpdate.class);
    public static final AvroCodec<DeadLetter> DEAD_LETTER = AvroCodec.of(DeadLetter.class);
    public static final AvroCodec<io.flowpulse.records.ModelEvent> MODEL_EVENT = AvroCodec.of(io.flowpulse.records.ModelEvent.class);

    public static final List<AvroCodec<?>> ALL =
            List.of(PACKET_EVENT, PACKET_BATCH, FLOW_RECORD, FLOW_FEATURES, PORT_SAMPLE, PORT_POINT, CLASSIFICATION,
                    ANOMALY_SCORE, ALERT, ANNOTATION_REQUEST, ANNOTATION, MODEL_UPDATE, DEAD_LETTER, MODEL_EVENT);

    private Codecs() {}
}
