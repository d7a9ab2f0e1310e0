package io.flowpulse.records;

import java.util.Arrays;
import java.util.Objects;

/**
 * An input record before decoding: its Kafka coordinates and the undecoded value bytes. Keeping
 * the coordinates lets a record that fails to decode go to the dead-letter topic with exactly
 * where it came from. A POJO (checked by PojoTestUtils), never Kryo.
 */
public class RawRecord implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    public String topic;
    public int partition;
    public long offset;
    public long kafkaTimestamp;
    public byte[] value;
    /**
     * Set by a source that already knows the value is unusable (e.g. an undecodable NetFlow datagram),
     * with the reason; the decode step sends such a record straight to the dead letters. Null otherwise.
     */
    public String sourceError;

    public RawRecord() {}

    public RawRecord(String topic, int partition, long offset, long kafkaTimestamp, byte[] value) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.kafkaTimestamp = kafkaTimestamp;
        this.value = value;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RawRecord)) {
            return false;
        }
        RawRecord r = (RawRecord) o;
        return partition == r.partition && offset == r.offset && kafkaTimestamp == r.kafkaTimestamp
                && Objects.equals(topic, r.topic) && Arrays.equals(value, r.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset);
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset + " (" + (value == null ? 0 : value.length) + " bytes)";
    }
}
