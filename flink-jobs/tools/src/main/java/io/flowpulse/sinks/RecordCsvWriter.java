package io.flowpulse.sinks;

import java.io.IOException;
import java.io.Writer;
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
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Writes Avro records as CSV with a header: nested records are flattened ({@code key.srcIp}),
 * 4- and 16-byte fields are printed as IP addresses, maps become one column per key (the union of
 * keys over all records, sorted; e.g. every flow feature by its name), arrays are joined with
 * spaces.
 */
public final class RecordCsvWriter {
    private RecordCsvWriter() {}

    public static <T extends SpecificRecordBase> void write(Path file, List<T> records) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            if (records.isEmpty()) {
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
            w.write(String.join(",", header));
            w.write('\n');
            for (Map<String, String> row : rows) {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < header.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    sb.append(escape(row.getOrDefault(header.get(i), "")));
                }
                w.write(sb.append('\n').toString());
            }
        }
    }

    private static void flatten(String prefix, Schema schema, Object value, Map<String, String> row,
            Map<String, TreeSet<String>> mapKeys, List<String> columns) {
        Schema s = schema;
        if (s.getType() == Schema.Type.UNION) {
            s = s.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst().orElse(s);
        }
        switch (s.getType()) {
            case RECORD: {
                SpecificRecordBase rec = (SpecificRecordBase) value;
                for (Schema.Field f : s.getFields()) {
                    flatten(prefix + f.name() + (f.schema().getType() == Schema.Type.RECORD ? "." : ""),
                            f.schema(), rec == null ? null : rec.get(f.pos()), row, mapKeys, columns);
                }
                return;
            }
            case MAP: {
                String col = prefix;
                if (!columns.contains(col)) {
                    columns.add(col);
                }
                TreeSet<String> keys = mapKeys.computeIfAbsent(col, k -> new TreeSet<>());
                if (value != null) {
                    for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                        String k = e.getKey().toString();
                        keys.add(k);
                        row.put(k, String.valueOf(e.getValue()));
                    }
                }
                return;
            }
            default: {
                if (!columns.contains(prefix)) {
                    columns.add(prefix);
                }
                row.put(prefix, format(value));
            }
        }
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

    private static String escape(String s) {
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}
