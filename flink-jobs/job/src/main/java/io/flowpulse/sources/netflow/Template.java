package io.flowpulse.sources.netflow;

/**
 * A (options) template of one exporter session, compiled for decoding: per field its role (which
 * {@link InformationElements} slot it fills, or {@link InformationElements#SKIP}) and its encoded
 * length ({@link #VARIABLE} for a variable-length field, RFC 7011 section 7).
 */
final class Template {
    static final int VARIABLE = 65535;

    final int id;
    final boolean options;
    final int scopeFields;
    final int[] roles;
    final int[] lengths;
    /** The shortest encoding of one record (a variable-length field counts its one length octet). */
    final int minRecordLength;
    long refreshedMillis;

    Template(int id, boolean options, int scopeFields, int[] roles, int[] lengths, long refreshedMillis) {
        this.id = id;
        this.options = options;
        this.scopeFields = scopeFields;
        this.roles = roles;
        this.lengths = lengths;
        int min = 0;
        for (int l : lengths) {
            min += l == VARIABLE ? 1 : l;
        }
        this.minRecordLength = min;
        this.refreshedMillis = refreshedMillis;
    }

    boolean sameLayout(Template o) {
        return o != null && o.options == options && java.util.Arrays.equals(o.roles, roles)
                && java.util.Arrays.equals(o.lengths, lengths);
    }
}
