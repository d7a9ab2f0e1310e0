package io.flowpulse.ml.explain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which feature names are of a kind that does not generalise to another network: addresses, ports,
 * TTL / hop limit, identifiers, timestamps, flow-key fields, dataset annotations. Each kind is a
 * case-insensitive regular expression over the column name; the list is configurable
 * ({@link #parse}: {@code kind=regex;kind=regex}, or {@link #with}).
 */
public final class ShortcutRules {
    /** Kinds that identify a flow rather than describe it: never features by default in {@code train}. */
    public static final Set<String> IDENTIFIER_KINDS = Set.of("id", "address", "port", "timestamp", "annotation");

    private final Map<String, Pattern> kinds;

    private ShortcutRules(Map<String, Pattern> kinds) {
        this.kinds = kinds;
    }

    public static ShortcutRules defaults() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("id", "(flow[ _-]?)?id|.*[ _-]id|uid|row|index");
        m.put("address", ".*\\b(src|dst|source|destination|client|server|peer)?[ _-]?(ip|ipv4|ipv6|addr|address|mac)\\b.*"
                + "|(s|d)addr|(src|dst)(ip|mac)");
        m.put("port", "((src|dst|source|destination|client|server|peer)[ _-]?)?ports?|sport|dport|(src|dst)port");
        m.put("ttl", ".*\\b(ttl|hop[ _-]?limit|hlim)\\b.*|(ip_)?ttl.*");
        m.put("timestamp", ".*(timestamp|time_?first|time_?last|start_?time|end_?time|first_?seen|last_?seen|epoch).*");
        m.put("flow-key", "protocol|proto|ip_?proto|l4_?proto|vlan(_?id)?");
        m.put("annotation", "attempted[ _-]?category|label|class|attack(_?type)?");
        return fromStrings(m);
    }

    /** Rules from {@code kind=regex;kind=regex} (the regex is matched against the whole name, ignoring case). */
    public static ShortcutRules parse(String spec) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String part : spec.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("shortcut rule '" + part + "' is not kind=regex");
            }
            m.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
        }
        return fromStrings(m);
    }

    /** These rules plus (or with a replaced) {@code kind}. */
    public ShortcutRules with(String kind, String regex) {
        Map<String, Pattern> m = new LinkedHashMap<>(kinds);
        m.put(kind, Pattern.compile(regex, Pattern.CASE_INSENSITIVE));
        return new ShortcutRules(m);
    }

    private static ShortcutRules fromStrings(Map<String, String> m) {
        Map<String, Pattern> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, Pattern.compile(v, Pattern.CASE_INSENSITIVE)));
        return new ShortcutRules(out);
    }

    /** The kind of a feature name, or null when it is not shortcut-prone. */
    public String kindOf(String feature) {
        String name = feature.trim();
        for (Map.Entry<String, Pattern> e : kinds.entrySet()) {
            if (e.getValue().matcher(name).matches()) {
                return e.getKey();
            }
        }
        return null;
    }

    /** The names among {@code names} whose kind is one of {@code kindsToSelect}. */
    public List<String> select(List<String> names, Set<String> kindsToSelect) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            String k = kindOf(n);
            if (k != null && kindsToSelect.contains(k)) {
                out.add(n);
            }
        }
        return out;
    }

    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        kinds.forEach((k, v) -> m.put(k, v.pattern()));
        return m;
    }
}
