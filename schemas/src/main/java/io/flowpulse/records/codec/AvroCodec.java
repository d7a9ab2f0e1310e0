package io.flowpulse.records.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Avro single-object encoding (magic C3 01, 8-byte CRC-64-AVRO fingerprint, binary body) for one
 * SpecificRecord type. Decoding accepts the current schema and every older version listed under
 * {@code avro/history/} (resolved to the current reader schema), so consumers can check the
 * fingerprint and producers can lag behind by a schema version.
 *
 * <p>Instances are cheap to hold in a Flink function field: encoder and decoder are created
 * lazily and are not serialized.
 */
public final class AvroCodec<T extends SpecificRecordBase> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Class<T> type;
    private transient BinaryMessageDecoder<T> decoder;
    private transient Schema schema;

    private AvroCodec(Class<T> type) {
        this.type = type;
    }

    public static <T extends SpecificRecordBase> AvroCodec<T> of(Class<T> type) {
        return new AvroCodec<>(type);
    }

    public Class<T> type() {
        return type;
    }

    public Schema schema() {
        if (schema == null) {
            schema = SpecificData.get().getSchema(type);
        }
        return schema;
    }

    /**
     * The record single-object encoded: the same bytes as Avro's {@link BinaryMessageEncoder}
     * (header C3 01 + the schema's CRC-64-AVRO fingerprint, little-endian, then the binary body),
     * written through a buffered encoder into a per-thread buffer that keeps its capacity (Avro's
     * message encoder writes through a direct encoder, byte by byte into a synchronized stream: a
     * third of the flow operator's thread with a Kafka sink of 2 KB records, issue 13).
     */
    public byte[] encode(T record) {
        Writer<T> w = writer();
        try {
            w.out.reset();
            w.out.write(w.header, 0, w.header.length);
            w.encoder = EncoderFactory.get().binaryEncoder(w.out, w.encoder);
            w.datumWriter.write(record, w.encoder);
            w.encoder.flush();
            return w.out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + type.getSimpleName(), e);
        } finally {
            if (w.out.capacity() > MAX_KEPT_BUFFER) {
                writers.remove(); // one huge record must not pin its buffer to the thread
            }
        }
    }

    /** Largest per-thread encode buffer kept between records. */
    private static final int MAX_KEPT_BUFFER = 1 << 20;

    /** One thread's encoding state (a codec is shared by every thread of the JVM, e.g. {@link Codecs}). */
    private static final class Writer<T> {
        final byte[] header;
        final org.apache.avro.specific.SpecificDatumWriter<T> datumWriter;
        final Buffer out = new Buffer();
        BinaryEncoder encoder;

        Writer(Schema schema) {
            datumWriter = new org.apache.avro.specific.SpecificDatumWriter<>(schema, SpecificData.get());
            long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
            header = ByteBuffer.allocate(10).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .put((byte) 0xC3).put((byte) 0x01).putLong(fingerprint).array();
        }
    }

    /** An unsynchronized growable byte buffer. */
    private static final class Buffer extends java.io.OutputStream {
        private byte[] bytes = new byte[4096];
        private int size;

        @Override
        public void write(int b) {
            ensure(1);
            bytes[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, bytes, size, len);
            size += len;
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }

        void reset() {
            size = 0;
        }

        int capacity() {
            return bytes.length;
        }

        byte[] toByteArray() {
            return java.util.Arrays.copyOf(bytes, size);
        }
    }

    private transient ThreadLocal<Writer<T>> writers;

    private Writer<T> writer() {
        ThreadLocal<Writer<T>> local = writers;
        if (local == null) {
            Schema s = schema();
            local = ThreadLocal.withInitial(() -> new Writer<>(s));
            writers = local;
        }
        return local.get();
    }

    public T decode(byte[] bytes) throws RecordDecodeException {
        if (bytes == null) {
            throw new RecordDecodeException("null-value", "record has no value", null);
        }
        if (bytes.length < 10 || bytes[0] != (byte) 0xC3 || bytes[1] != (byte) 0x01) {
            throw new RecordDecodeException(
                    "not-single-object-avro", "missing C3 01 header, " + bytes.length + " bytes", null);
        }
        try {
            return decoder().decode(bytes);
        } catch (MissingSchemaException e) {
            throw new RecordDecodeException("unknown-schema-fingerprint", e.getMessage(), e);
        } catch (BadHeaderException e) {
            throw new RecordDecodeException("not-single-object-avro", e.getMessage(), e);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException
                | ClassCastException | NegativeArraySizeException e) {
            throw new RecordDecodeException(
                    "malformed-avro-body", type.getSimpleName() + ": " + e, e);
        }
    }

    private BinaryMessageDecoder<T> decoder() {
        if (decoder == null) {
            BinaryMessageDecoder<T> d = new BinaryMessageDecoder<>(SpecificData.get(), schema());
            for (Schema old : historicalSchemas(type.getSimpleName())) {
                d.addSchema(old);
            }
            decoder = d;
        }
        return decoder;
    }

    /** Every shipped version of the named schema, from {@code avro/history/INDEX}. */
    public static List<Schema> historicalSchemas(String simpleName) {
        List<Schema> out = new ArrayList<>();
        for (String file : historyIndex()) {
            if (file.startsWith(simpleName + ".v")) {
                out.add(parseHistorical(file));
            }
        }
        return out;
    }

    public static List<String> historyIndex() {
        try (InputStream in = resource("avro/history/INDEX")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            List<String> files = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (!line.isBlank()) {
                    files.add(line.trim());
                }
            }
            return files;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read avro/history/INDEX", e);
        }
    }

    /**
     * Parses a historical schema file together with the shared named types (FlowKey, Direction)
     * of the same version, which the record schemas reference by name.
     */
    public static Schema parseHistorical(String file) {
        String version = file.substring(file.indexOf(".v") + 1, file.length() - ".avsc".length());
        Schema.Parser parser = new Schema.Parser();
        try {
            for (String shared : new String[] {"FlowKey", "Direction", "ModelUpdate"}) {
                String sharedFile = latestSharedVersion(shared, version);
                if (sharedFile != null && !file.startsWith(shared + ".v")) {
                    try (InputStream in = resource("avro/history/" + sharedFile)) {
                        parser.parse(in);
                    }
                }
            }
            try (InputStream in = resource("avro/history/" + file)) {
                return parser.parse(in);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot parse " + file, e);
        }
    }

    /** The newest shipped version of a shared named type not newer than {@code version} (e.g. v2 -> FlowKey.v1). */
    private static String latestSharedVersion(String shared, String version) {
        int wanted = Integer.parseInt(version.substring(1));
        String best = null;
        int bestVersion = -1;
        for (String f : historyIndex()) {
            if (f.startsWith(shared + ".v")) {
                int v = Integer.parseInt(f.substring(shared.length() + 2, f.length() - ".avsc".length()));
                if (v <= wanted && v > bestVersion) {
                    best = f;
                    bestVersion = v;
                }
            }
        }
        return best;
    }

    private static InputStream resource(String path) throws IOException {
        InputStream in = AvroCodec.class.getClassLoader().getResourceAsStream(path);
        if (in == null) {
            throw new IOException("missing resource " + path);
        }
        return in;
    }
}
