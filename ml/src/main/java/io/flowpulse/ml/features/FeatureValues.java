package io.flowpulse.ml.features;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The features of one flow as a {@code Map<String, Double>} over a fixed name list (iteration in
 * that order), backed by one {@code double[]}: no hash node and no boxed {@code Double} per feature
 * when a flow is emitted (a {@code LinkedHashMap} of ~100 boxed values was the largest single cost
 * of emitting a flow). Values are boxed only when read through the map interface. Keys are fixed:
 * {@link #put} replaces the value of a known name and rejects others.
 */
public final class FeatureValues extends AbstractMap<String, Double> {
    private final String[] names;
    private final Map<String, Integer> index;
    private final double[] values;
    private int filled;

    private FeatureValues(String[] names, Map<String, Integer> index) {
        this.names = names;
        this.index = index;
        this.values = new double[names.length];
    }

    /** A factory for maps over {@code names}; build with {@link #set} in that order. */
    public static final class Layout {
        private final String[] names;
        private final Map<String, Integer> index = new HashMap<>();

        public Layout(List<String> names) {
            this.names = names.toArray(new String[0]);
            for (int i = 0; i < this.names.length; i++) {
                index.put(this.names[i], i);
            }
        }

        public FeatureValues create() {
            return new FeatureValues(names, index);
        }
    }

    /** Sets the next feature; {@code name} must be the next name of the layout. */
    public FeatureValues set(String name, double value) {
        if (filled >= names.length || !names[filled].equals(name)) {
            throw new IllegalStateException("feature " + name + " out of layout order at position " + filled);
        }
        values[filled++] = value;
        return this;
    }

    /** Primitive read; NaN when absent. */
    public double value(String name) {
        Integer i = index.get(name);
        return i == null || i >= filled ? Double.NaN : values[i];
    }

    @Override
    public Double get(Object key) {
        Integer i = index.get(key);
        return i == null || i >= filled ? null : values[i];
    }

    @Override
    public boolean containsKey(Object key) {
        Integer i = index.get(key);
        return i != null && i < filled;
    }

    @Override
    public Double put(String key, Double value) {
        Integer i = index.get(key);
        if (i == null || i >= filled) {
            throw new UnsupportedOperationException("fixed feature layout: " + key);
        }
        double old = values[i];
        values[i] = value;
        return old;
    }

    @Override
    public int size() {
        return filled;
    }

    @Override
    public Set<Entry<String, Double>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Double>> iterator() {
                return new Iterator<>() {
                    private int i;

                    @Override
                    public boolean hasNext() {
                        return i < filled;
                    }

                    @Override
                    public Entry<String, Double> next() {
                        if (i >= filled) {
                            throw new NoSuchElementException();
                        }
                        int k = i++;
                        return new SimpleImmutableEntry<>(names[k], values[k]);
                    }
                };
            }

            @Override
            public int size() {
                return filled;
            }
        };
    }
}
