package io.flowpulse.sinks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Writes Avro records as CSV (Commons CSV) with a header in the project's convention: snake_case
 * column names, fields of nested records flattened under their own name (prefixed with the record
 * field's name only when two would collide), time points ({@code ...Millis}, {@code ...Micros}
 * longs) as ISO-8601 UTC under the name without the unit ({@code bucketEndMillis} ->
 * {@code bucket_end}), 4- and 16-byte fields as IP addresses, maps as one column per key (the
 * union of keys over all records, sorted; e.g. every flow feature by its name), arrays joined with
 * spaces.
 */
public final class RecordCsvWriter {
    private RecordCsvWriter() {}

    public static <T extends SpecificRecordBase> void write(Path file, List<T> records) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (records.isEmpty()) {
            Files.writeString(file, "", StandardCharsets.UTF_8);
            return;
        }
        List<Map<String, String>> rows = new ArrayList<>();
        Map<String, TreeSet<String>> mapKeys = new LinkedHashMap<>();
        List<String> scalarColumns = new ArrayList<>();
        for (T r : records) {
            Map<String, String> row = new LinkedHashMap<>();
            flatten("", r.getSchema(), r, row, mapKeys, scalarColumns);
            rows.add(row);
        }
        List<String> header = new ArrayList<>();
        for (String c : scalarColumns) {
            if (mapKeys.containsKey(c)) {
                header.addAll(mapKeys.get(c));
            } else {
                header.add(c);
            }
        }
        try (CSVPrinter csv = new CSVPrinter(Files.newBufferedWriter(file, StandardCharsets.UTF_8),
                CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new)).setRecordSeparator('\n').get())) {
            for (Map<String, String> row : rows) {
                List<String> values = new ArrayList<>(header.size());
                for (String h : header) {
                    values.add(row.getOrDefault(h, ""));
                }
                csv.printRecord(values);
            }
        }
    }

    /** {@code srcIp} -> {@code src_ip}. */
    public static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replaceAll("([A-Z])([A-Z][a-z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    /** A long field holding a time point in ms or µs since the epoch (not a duration or an inter-arrival time). */
    static boolean timePoint(String field, Schema s) {
        return s.getType() == Schema.Type.LONG && (field.endsWith("Millis") || field.endsWith("Micros"))
                && !field.contains("Iat") && !field.toLowerCase(java.util.Locale.ROOT).contains("duration");
    }

    private static Schema nonNull(Schema s) {
        return s.getType() != Schema.Type.UNION ? s
                : s.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst().orElse(s);
    }

    /** The column name of a scalar or map field: snake_case, a time point without its unit. */
    static String columnName(Schema.Field f) {
        Schema fs = nonNull(f.schema());
        return snake(timePoint(f.name(), fs) ? f.name().substring(0, f.name().length() - 6) : f.name());
    }

    private static void flatten(String prefix, Schema schema, Object value, Map<String, String> row,
            Map<String, TreeSet<String>> mapKeys, List<String> columns) {
        Schema s = nonNull(schema);
        // names of the top-level fields: a nested field with the same name gets its record's name as prefix
        java.util.Set<String> topLevel = new java.util.HashSet<>();
        for (Schema.Field f : s.getFields()) {
            if (nonNull(f.schema()).getType() != Schema.Type.RECORD) {
                topLevel.add(columnName(f));
            }
        }
        flattenRecord("", s, (SpecificRecordBase) value, row, mapKeys, columns, topLevel);
    }

    private static void flattenRecord(String prefix, Schema s, SpecificRecordBase rec, Map<String, String> row,
            Map<String, TreeSet<String>> mapKeys, List<String> columns, java.util.Set<String> topLevel) {
        for (Schema.Field f : s.getFields()) {
            Schema fs = nonNull(f.schema());
            Object v = rec == null ? null : rec.get(f.pos());
            if (fs.getType() == Schema.Type.RECORD) {
                flattenRecord(snake(f.name()), fs, (SpecificRecordBase) v, row, mapKeys, columns, topLevel);
                continue;
            }
            String name = columnName(f);
            if (!prefix.isEmpty() && topLevel.contains(name)) {
                name = prefix + "_" + name;
            }
            if (!columns.contains(name)) {
                columns.add(name);
            }
            if (fs.getType() == Schema.Type.MAP) {
                TreeSet<String> keys = mapKeys.computeIfAbsent(name, k -> new TreeSet<>());
                if (v != null) {
                    for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                        String k = e.getKey().toString();
                        keys.add(k);
                        row.put(k, String.valueOf(e.getValue()));
                    }
                }
                continue;
            }
            row.put(name, timePoint(f.name(), fs) && v != null ? iso((Long) v, f.name().endsWith("Micros")) : format(v));
        }
    }

    /** ISO-8601 UTC of a time point in ms or µs since the epoch. */
    public static String iso(long t, boolean micros) {
        return micros ? Instant.ofEpochSecond(Math.floorDiv(t, 1_000_000L), Math.floorMod(t, 1_000_000L) * 1000L).toString()
                : Instant.ofEpochMilli(t).toString();
    }

    private static String format(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof ByteBuffer) {
            ByteBuffer b = ((ByteBuffer) v).duplicate();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            if (bytes.length == 4 || bytes.length == 16) {
                try {
                    return InetAddress.getByAddress(bytes).getHostAddress();
                } catch (UnknownHostException e) {
                    // fall through
                }
            }
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (v instanceof List) {
            StringBuilder sb = new StringBuilder();
            for (Object o : (List<?>) v) {
                if (sb.length() > 0) {
                    sb.append(' ');
                }
                sb.append(o);
            }
            return sb.toString();
        }
        return v.toString();
    }
}
