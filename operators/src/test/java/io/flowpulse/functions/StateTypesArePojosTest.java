package io.flowpulse.functions;

import io.flowpulse.records.RawRecord;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;

/** State and internal stream types are serialized as POJOs, never by Kryo. */
class StateTypesArePojosTest {
    @Test
    void rawRecordIsAPojo() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(RawRecord.class);
    }
}
